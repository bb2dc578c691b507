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
        checkElements(schema.fields()[index], in);
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
        return df.as(RowEncoders.withPrimitiveArrays(schema))
                .mapPartitions(new Batches(model, op, index, bits, sigma), RowEncoders.withPrimitiveArrays(result));
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

    /** Accepts array&lt;float&gt; and array&lt;double&gt;; anything else is refused with the fix. */
    static void checkElements(StructField f, String in) {
        DataType t = f.dataType();
        if (t instanceof ArrayType a) {
            if (a.elementType() == DataTypes.FloatType || a.elementType() == DataTypes.DoubleType) return;
            throw new SparkModelException("column '" + in + "' is an array of "
                    + a.elementType().simpleString() + "; the model reads arrays of float or double (cast it: col(\""
                    + in + "\").cast(\"array<float>\"))");
        }
        if (t instanceof UserDefinedType<?> u) {
            if (isVector(u)) return;
            throw new SparkModelException("column '" + in + "' is a "
                    + u.userClass().getName() + ", not an array of float or double nor an ML vector");
        }
        throw new SparkModelException(
                "column '" + in + "' is " + t.simpleString() + ", not an array of float or double (one example a row)");
    }

    /**
     * The width of the column against the model's input, from the first row that has a value (a one-row job, so the
     * transform's own tasks never start with a model that does not fit). Every row is checked again in the tasks.
     */
    static void checkWidth(SparkModel m, Dataset<Row> df, String in) {
        if (df.schema().apply(in).dataType() instanceof UserDefinedType<?>) {
            List<Row> row = df.select(functions.col(in))
                    .where(functions.col(in).isNotNull())
                    .limit(1)
                    .collectAsList();
            if (!row.isEmpty()) checkWidth(m, in, vectorValues(row.getFirst().get(0)).length);
            return;
        }
        List<Row> first = df.select(functions.size(functions.col(in)))
                .where(functions.col(in).isNotNull())
                .limit(1)
                .collectAsList();
        if (first.isEmpty()) return;
        checkWidth(m, in, first.getFirst().getInt(0));
    }

    private static void checkWidth(SparkModel m, String in, int width) {
        if (width != m.inputWidth)
            throw new SparkModelException("column '" + in + "' holds " + width + " values a row, but model '" + m.name
                    + "' takes " + m.inputWidth + " features per example; give the column the model was trained on "
                    + "(or the model that fits it)");
    }

    /** Spark ML's vector (org.apache.spark.ml.linalg.Vector, or the older mllib one), known by name: no Spark ML here. */
    static boolean isVector(UserDefinedType<?> u) {
        String n = u.userClass().getName();
        return n.equals("org.apache.spark.ml.linalg.Vector") || n.equals("org.apache.spark.mllib.linalg.Vector");
    }

    /** A vector's values, dense (its toArray()), called by reflection so that ae4j does not depend on Spark ML. */
    static double[] vectorValues(Object v) {
        try {
            return (double[]) v.getClass().getMethod("toArray").invoke(v);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new SparkModelException("the input column holds a "
                    + v.getClass().getName() + ", not an array of numbers nor an ML vector");
        }
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
        private final int bits;
        private final double sigma;

        Batches(Broadcast<SparkModel> model, Op op, int index, int bits, double sigma) {
            this.model = model;
            this.op = op;
            this.index = index;
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

        /**
         * One row's values into x: a Scala Seq when Spark decoded the row, or the array itself (float[], double[]) or a
         * java.util.List when the row comes straight from another object operation (Spark then skips the encoding).
         */
        private void read(Object v, float[] x, int at, int d) {
            switch (v) {
                case float[] f -> {
                    width(f.length, d);
                    System.arraycopy(f, 0, x, at, d);
                }
                case double[] a -> {
                    width(a.length, d);
                    for (int j = 0; j < d; j++) x[at + j] = (float) a[j];
                }
                case scala.collection.Seq<?> s -> {
                    width(s.length(), d);
                    for (int j = 0; j < d; j++) x[at + j] = value(s.apply(j), j);
                }
                case List<?> l -> {
                    width(l.size(), d);
                    for (int j = 0; j < d; j++) x[at + j] = value(l.get(j), j);
                }
                default -> {
                    double[] a = vectorValues(v);
                    width(a.length, d);
                    for (int j = 0; j < d; j++) x[at + j] = (float) a[j];
                }
            }
        }

        private static void width(int n, int d) {
            if (n != d)
                throw new SparkModelException("a row holds " + n + " values in its input column, the model takes " + d
                        + "; every row must have the same width");
        }

        private static float value(Object e, int j) {
            if (e == null)
                throw new SparkModelException("a row holds a null at position " + j + " of its input column");
            return e instanceof Float f ? f : (float) ((Number) e).doubleValue();
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
