package ae4j.spark;

import ae4j.dsl.analysis.ScoreField;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.runtime.Forward;
import ae4j.spark.SparkModel.SparkModelException;
import ae4j.vecmath.Parallel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/** The transforms of {@link SparkModel}: checks on the driver, then batches through the model in mapPartitions. */
final class Transforms {

    enum Op {
        ENCODE,
        RECONSTRUCT,
        ERROR,
        SCORE,
        HASH_LONG,
        HASH_BYTES
    }

    private Transforms() {}

    static Dataset<Row> apply(SparkModel m, Dataset<Row> df, String in, String out, Op op, int bits, double sigma) {
        StructType schema = df.schema();
        int index = columnIndex(schema, in);
        boolean doubles = elementsAreDoubles(schema.fields()[index], in);
        if (Arrays.asList(schema.fieldNames()).contains(out))
            throw new SparkModelException(
                    "the data already has a column '" + out + "'; choose another name for the " + "output column");
        checkWidth(m, df, in);
        DataType type = switch (op) {
            case ENCODE, RECONSTRUCT, SCORE -> DataTypes.createArrayType(DataTypes.FloatType, false);
            case ERROR -> DataTypes.DoubleType;
            case HASH_LONG -> DataTypes.LongType;
            case HASH_BYTES -> DataTypes.BinaryType;
        };
        StructType result = schema.add(out, type, true);
        Broadcast<SparkModel> model = m.broadcast(df.sparkSession());
        return df.mapPartitions(new Batches(model, op, index, doubles, bits, sigma), Encoders.row(result));
    }

    /** The position of column {@code in}, or a message listing the columns. */
    static int columnIndex(StructType schema, String in) {
        List<String> names = Arrays.asList(schema.fieldNames());
        int i = names.indexOf(in);
        if (i < 0)
            throw new SparkModelException(
                    "the data has no column '" + in + "'; its columns are " + String.join(", ", names));
        return i;
    }

    /** Whether the column is array&lt;double&gt; (else array&lt;float&gt;); anything else is refused with the fix. */
    static boolean elementsAreDoubles(StructField f, String in) {
        DataType t = f.dataType();
        if (t instanceof ArrayType a) {
            if (a.elementType() == DataTypes.FloatType) return false;
            if (a.elementType() == DataTypes.DoubleType) return true;
            throw new SparkModelException("column '" + in + "' is an array of "
                    + a.elementType().simpleString() + "; the model reads arrays of float or double (cast it: col(\""
                    + in + "\").cast(\"array<float>\"))");
        }
        if (t instanceof UserDefinedType<?> u)
            throw new SparkModelException(
                    "column '" + in + "' is a " + u.userClass().getSimpleName()
                            + " (an ML vector?); convert it to an array first: "
                            + "org.apache.spark.ml.functions.vector_to_array(col(\"" + in + "\"), \"float32\")");
        throw new SparkModelException(
                "column '" + in + "' is " + t.simpleString() + ", not an array of float or double (one example a row)");
    }

    /**
     * The width of the column against the model's input, from the first row that has a value (a one-row job, so the
     * transform's own tasks never start with a model that does not fit). Every row is checked again in the tasks.
     */
    static void checkWidth(SparkModel m, Dataset<Row> df, String in) {
        List<Row> first = df.select(functions.size(functions.col(in)))
                .where(functions.col(in).isNotNull())
                .limit(1)
                .collectAsList();
        if (first.isEmpty()) return;
        int width = first.getFirst().getInt(0);
        if (width != m.inputWidth)
            throw new SparkModelException("column '" + in + "' holds " + width + " values a row, but model '" + m.name
                    + "' takes " + m.inputWidth + " features per example; give the column the model was trained on "
                    + "(or the model that fits it)");
    }

    /** The threads a task may use: the configured number, at most the task's cores ({@code spark.task.cpus}). */
    static int threadsFor(int configured, int taskCpus) {
        int cpus = Math.max(1, taskCpus);
        return configured <= 0 ? cpus : Math.min(configured, cpus);
    }

    /** One partition: rows in, rows with the new column out, a batch at a time. */
    static final class Batches implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;

        private final Broadcast<SparkModel> model;
        private final Op op;
        private final int index;
        private final boolean doubles;
        private final int bits;
        private final double sigma;

        Batches(Broadcast<SparkModel> model, Op op, int index, boolean doubles, int bits, double sigma) {
            this.model = model;
            this.op = op;
            this.index = index;
            this.doubles = doubles;
            this.bits = bits;
            this.sigma = sigma;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            SparkModel m = model.value();
            TaskContext task = TaskContext.get();
            int cpus = task != null ? task.cpus() : Runtime.getRuntime().availableProcessors();
            Parallel.setThreads(threadsFor(m.threads, cpus));
            return new Iterator<>() {
                private final ArrayDeque<Row> ready = new ArrayDeque<>();

                @Override
                public boolean hasNext() {
                    if (ready.isEmpty() && rows.hasNext()) fill(m, rows, ready);
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    return ready.poll();
                }
            };
        }

        private void fill(SparkModel m, Iterator<Row> rows, ArrayDeque<Row> ready) {
            int d = m.inputWidth;
            List<Row> batch = new ArrayList<>(m.batch);
            float[] x = new float[m.batch * d];
            int[] slot = new int[m.batch];
            int n = 0;
            while (batch.size() < m.batch && rows.hasNext()) {
                Row r = rows.next();
                Object v = r.get(index);
                if (v == null) {
                    slot[batch.size()] = -1;
                } else {
                    read(v, x, n * d, d);
                    slot[batch.size()] = n++;
                }
                batch.add(r);
            }
            Object[] results = compute(m, x, n);
            for (int i = 0; i < batch.size(); i++) {
                Row r = batch.get(i);
                Object[] values = new Object[r.length() + 1];
                for (int c = 0; c < r.length(); c++) values[c] = r.get(c);
                values[r.length()] = slot[i] < 0 ? null : results[slot[i]];
                ready.add(RowFactory.create(values));
            }
        }

        private void read(Object v, float[] x, int at, int d) {
            scala.collection.Seq<?> s = (scala.collection.Seq<?>) v;
            if (s.length() != d)
                throw new SparkModelException("a row holds " + s.length() + " values in its input column, the model "
                        + "takes " + d + "; every row must have the same width");
            for (int j = 0; j < d; j++) {
                Object e = s.apply(j);
                if (e == null)
                    throw new SparkModelException("a row holds a null at position " + j + " of its input column");
                x[at + j] = doubles ? (float) ((Double) e).doubleValue() : (Float) e;
            }
        }

        private Object[] compute(SparkModel m, float[] x, int n) {
            Object[] out = new Object[n];
            if (n == 0) return out;
            int d = m.inputWidth;
            BuiltModel b = LoadedModels.borrow(m);
            try {
                switch (op) {
                    case ENCODE -> split(Forward.values(b.model(), b.ir().code(), x, n, d, m.codeWidth), n, out);
                    case RECONSTRUCT -> split(Forward.values(b.model(), b.ir().reconstruction(), x, n, d, d), n, out);
                    case SCORE ->
                        split(
                                ScoreField.at(b.model(), b.ir().reconstruction(), sigma, Arrays.copyOf(x, n * d), n, d)
                                        .scores(),
                                n,
                                out);
                    case ERROR -> {
                        float[] r = Forward.values(b.model(), b.ir().reconstruction(), x, n, d, d);
                        for (int i = 0; i < n; i++) out[i] = squaredError(r, x, i * d, d);
                    }
                    case HASH_LONG, HASH_BYTES -> {
                        int w = m.codeWidth;
                        float[] h = Forward.values(b.model(), b.ir().code(), x, n, d, w);
                        for (int i = 0; i < n; i++)
                            out[i] = op == Op.HASH_LONG ? address(h, i * w, bits) : addressBytes(h, i * w, bits);
                    }
                }
            } finally {
                LoadedModels.release(m, b);
            }
            return out;
        }
    }

    private static void split(float[] flat, int n, Object[] out) {
        int w = flat.length / n;
        for (int i = 0; i < n; i++) out[i] = Arrays.copyOfRange(flat, i * w, (i + 1) * w);
    }

    /** sum_j (r_j - x_j)^2 over one row, in double. */
    static double squaredError(float[] r, float[] x, int at, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double e = (double) r[at + j] - x[at + j];
            s += e * e;
        }
        return s;
    }

    /** Bit j set when h[at + j] >= 0.5, for j below {@code bits} (at most 64). */
    static long address(float[] h, int at, int bits) {
        long a = 0;
        for (int j = 0; j < bits; j++) if (h[at + j] >= 0.5f) a |= 1L << j;
        return a;
    }

    /** Bit j (of byte j / 8, least significant first) set when h[at + j] >= 0.5. */
    static byte[] addressBytes(float[] h, int at, int bits) {
        byte[] a = new byte[(bits + 7) / 8];
        for (int j = 0; j < bits; j++) if (h[at + j] >= 0.5f) a[j >> 3] |= (byte) (1 << (j & 7));
        return a;
    }
}
