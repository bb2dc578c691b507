package ae4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoder;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder$;
import org.apache.spark.sql.catalyst.encoders.RowEncoder$;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Row encoders that hand array&lt;float&gt; and array&lt;double&gt; columns to Java as float[] and double[] (copied in
 * one go from Spark's binary rows) instead of Scala sequences of boxed numbers, one object per value: the rows of an
 * image set are mostly such arrays. Only columns whose elements cannot be null qualify (a primitive array has no
 * null). Built from Spark's own row encoder with those fields replaced (Spark's catalyst encoders, not a public API);
 * if that ever fails, the plain row encoder is used, which is slower and gives the same rows.
 */
final class RowEncoders {

    private RowEncoders() {}

    static Encoder<Row> withPrimitiveArrays(StructType schema) {
        try {
            var base = (AgnosticEncoders.RowEncoder) RowEncoder$.MODULE$.encoderFor(schema);
            List<AgnosticEncoders.EncoderField> fields = new ArrayList<>(CollectionConverters.asJava(base.fields()));
            boolean changed = false;
            for (int i = 0; i < fields.size(); i++) {
                if (!(schema.fields()[i].dataType() instanceof ArrayType a) || a.containsNull()) continue;
                AgnosticEncoder<?> element;
                if (a.elementType() == DataTypes.FloatType) element = AgnosticEncoders.PrimitiveFloatEncoder$.MODULE$;
                else if (a.elementType() == DataTypes.DoubleType)
                    element = AgnosticEncoders.PrimitiveDoubleEncoder$.MODULE$;
                else continue;
                AgnosticEncoders.EncoderField f = fields.get(i);
                fields.set(
                        i,
                        new AgnosticEncoders.EncoderField(
                                f.name(),
                                new AgnosticEncoders.ArrayEncoder<>(element, false),
                                f.nullable(),
                                f.metadata(),
                                f.readMethod(),
                                f.writeMethod()));
                changed = true;
            }
            if (!changed) return Encoders.row(schema);
            return ExpressionEncoder$.MODULE$.apply(new AgnosticEncoders.RowEncoder(
                    CollectionConverters.asScala(fields).toList()));
        } catch (RuntimeException | LinkageError e) {
            return Encoders.row(schema);
        }
    }
}
