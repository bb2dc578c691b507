package ae4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.api.Model;
import ae4j.dsl.compile.InMemoryCompiler;
import ae4j.spark.SparkModel.SparkModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every transform against the one-JVM model (ae4j.api.Model) on the same rows: equal bit for bit. The Spark side runs
 * batches of 64 rows (partial batches at the ends of 3 partitions); the one-JVM side its own batch.
 */
class SparkModelTest {

    static float[][] x;
    static Model local;
    static SparkModel model;
    static Dataset<Row> df;

    @BeforeAll
    static void setUp() {
        SharedSpark.session();
        x = SharedSpark.examples();
        local = SharedSpark.model();
        model = SparkModel.load(SharedSpark.modelFile()).withBatch(64);
        df = SharedSpark.frame(x, 3);
    }

    /** Column {@code col} of the result by the row's id. */
    private static Map<Long, Object> byId(Dataset<Row> result, String col) {
        Map<Long, Object> m = new HashMap<>();
        for (Row r : result.select("id", col).collectAsList()) m.put(r.getLong(0), r.get(1));
        assertEquals(x.length, m.size(), "one output row per input row");
        return m;
    }

    /** A float array column as collected: float[] from the transforms' own rows, a Scala Seq once re-encoded. */
    private static float[] floats(Object seq) {
        if (seq instanceof float[] a) return a;
        scala.collection.Seq<?> s = (scala.collection.Seq<?>) seq;
        float[] f = new float[s.length()];
        for (int i = 0; i < f.length; i++) f[i] = (Float) s.apply(i);
        return f;
    }

    @Test
    void encodeEqualsTheOneJvmModelBitForBit() {
        float[][] want = local.encode(x);
        Map<Long, Object> got = byId(model.encode(df, "x", "code"), "code");
        for (int i = 0; i < x.length; i++) assertArrayEquals(want[i], floats(got.get((long) i)), "row " + i);
    }

    @Test
    void reconstructEqualsTheOneJvmModelBitForBit() {
        float[][] want = local.reconstruct(x);
        Map<Long, Object> got = byId(model.reconstruct(df, "x", "r"), "r");
        for (int i = 0; i < x.length; i++) assertArrayEquals(want[i], floats(got.get((long) i)), "row " + i);
    }

    @Test
    void reconstructionErrorIsTheSquaredErrorOfTheOneJvmReconstruction() {
        float[][] r = local.reconstruct(x);
        Map<Long, Object> got = byId(model.reconstructionError(df, "x", "err"), "err");
        for (int i = 0; i < x.length; i++) {
            double want = 0;
            for (int j = 0; j < x[i].length; j++) want += ((double) r[i][j] - x[i][j]) * ((double) r[i][j] - x[i][j]);
            assertEquals(want, (Double) got.get((long) i), 0.0, "row " + i);
        }
    }

    @Test
    void scoreEqualsTheOneJvmModelWithTheModelsSigma() {
        assertEquals(0.2, model.sigma(), 0.0);
        float[][] want = local.score(x);
        Map<Long, Object> got = byId(model.score(df, "x", "s"), "s");
        for (int i = 0; i < x.length; i++) assertArrayEquals(want[i], floats(got.get((long) i)), "row " + i);
        // and against the definition (r(x) - x) / sigma^2 from the one-JVM reconstruction
        float[][] r = local.reconstruct(x);
        for (int j = 0; j < x[7].length; j++)
            assertEquals((r[7][j] - x[7][j]) / (0.2 * 0.2), floats(got.get(7L))[j], 1e-4 * (1 + Math.abs(want[7][j])));
    }

    @Test
    void hashSetsBitJWhenCodeUnitJIsAtLeastHalf() {
        float[][] h = local.encode(x);
        Map<Long, Object> longs = byId(model.hash(df, "x", "a", 12), "a");
        Map<Long, Object> bytes = byId(model.hashBytes(df, "x", "b", 12), "b");
        int distinct = (int) longs.values().stream().distinct().count();
        assertTrue(distinct > 1, "the codes are not all one address (" + distinct + ")");
        for (int i = 0; i < x.length; i++) {
            long want = 0;
            for (int j = 0; j < 12; j++) if (h[i][j] >= 0.5f) want |= 1L << j;
            assertEquals(want, (Long) longs.get((long) i), "row " + i);
            byte[] b = (byte[]) bytes.get((long) i);
            assertEquals(2, b.length);
            assertEquals(want, (b[0] & 0xFF) | (long) (b[1] & 0xFF) << 8, "row " + i);
        }
    }

    @Test
    void doubleColumnsAndNullRowsWork() {
        // elements that may be null (as Parquet files often declare them): read as Scala sequences, not arrays
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType, true), true);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            double[] d = new double[x[i].length];
            for (int j = 0; j < d.length; j++) d[j] = x[i][j];
            rows.add(RowFactory.create((long) i, i % 10 == 3 ? null : d));
        }
        Dataset<Row> doubles = SharedSpark.session().createDataFrame(rows, schema);
        float[][] want = local.encode(java.util.Arrays.copyOf(x, 100));
        Map<Long, Object> got = new HashMap<>();
        for (Row r : model.encode(doubles, "x", "code").collectAsList()) got.put(r.getLong(0), r.get(2));
        for (int i = 0; i < 100; i++) {
            if (i % 10 == 3) assertNull(got.get((long) i), "a null input gives a null code");
            else assertArrayEquals(want[i], floats(got.get((long) i)), "row " + i);
        }
    }

    /** An ML vector column (dense and sparse vectors): the same codes as the array of its values. */
    @Test
    void mlVectorColumnsWork() {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("v", new org.apache.spark.ml.linalg.VectorUDT(), true);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            double[] d = new double[x[i].length];
            for (int j = 0; j < d.length; j++) d[j] = x[i][j];
            var dense = org.apache.spark.ml.linalg.Vectors.dense(d);
            rows.add(RowFactory.create((long) i, i % 2 == 0 ? dense : dense.toSparse()));
        }
        Dataset<Row> vectors = SharedSpark.session().createDataFrame(rows, schema);
        float[][] want = local.encode(java.util.Arrays.copyOf(x, 100));
        Map<Long, Object> got = new HashMap<>();
        for (Row r : model.encode(vectors, "v", "code").collectAsList()) got.put(r.getLong(0), r.get(2));
        for (int i = 0; i < 100; i++) assertArrayEquals(want[i], floats(got.get((long) i)), "row " + i);
        List<Row> narrow = List.of(RowFactory.create(0L, org.apache.spark.ml.linalg.Vectors.dense(new double[3])));
        var e = assertThrows(
                SparkModelException.class,
                () -> model.encode(SharedSpark.session().createDataFrame(narrow, schema), "v", "c"));
        assertTrue(e.getMessage().contains("holds 3 values a row"), e.getMessage());
    }

    /** Rows made by another object operation reach the transform as Java arrays (Spark skips encoding them). */
    @Test
    void rowsStraightFromAnotherMapPartitionsWork() {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        float[][] xs = x;
        Dataset<Row> made = SharedSpark.session()
                .range(0, 200, 1, 2)
                .toDF()
                .mapPartitions(
                        (org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) ids -> {
                            List<Row> out = new ArrayList<>();
                            while (ids.hasNext()) {
                                long i = ids.next().getLong(0);
                                out.add(RowFactory.create(i, xs[(int) i].clone()));
                            }
                            return out.iterator();
                        },
                        org.apache.spark.sql.Encoders.row(schema));
        float[][] want = local.encode(java.util.Arrays.copyOf(x, 200));
        Map<Long, Object> got = new HashMap<>();
        for (Row r : model.encode(made, "x", "code").collectAsList()) got.put(r.getLong(0), r.get(2));
        assertEquals(200, got.size());
        for (int i = 0; i < 200; i++) {
            Object v = got.get((long) i);
            float[] f = floats(v);
            assertArrayEquals(want[i], f, "row " + i);
        }
    }

    @Test
    void theModelIsPreparedOncePerJvmAndNeverCompiledThere() {
        SparkModel m = model.withBatch(50); // a batch no other test uses: a fresh entry
        long loads = LoadedModels.classLoads();
        long javac = InMemoryCompiler.compilations();
        m.encode(df, "x", "c").count();
        m.reconstruct(df, "x", "r").count();
        m.hash(df, "x", "a", 8).count();
        assertEquals(loads + 1, LoadedModels.classLoads(), "one class load for three transforms");
        assertEquals(javac, InMemoryCompiler.compilations(), "the executors load the driver's class files");
        assertTrue(LoadedModels.instances() <= 2 * 16, "instances are reused: " + LoadedModels.instances());
    }

    @Test
    void aTaskUsesAtMostItsCores() {
        assertEquals(2, Transforms.threadsFor(0, 2));
        assertEquals(2, Transforms.threadsFor(8, 2));
        assertEquals(1, Transforms.threadsFor(1, 2));
        assertEquals(1, Transforms.threadsFor(0, 0));
    }

    @Test
    void aMissingModelFileIsRefusedOnTheDriver() {
        Path missing = SharedSpark.folder().resolve("nothing.safetensors");
        var e = assertThrows(SparkModelException.class, () -> SparkModel.load(missing));
        assertTrue(e.getMessage().contains("nothing.safetensors not found"), e.getMessage());
    }

    @Test
    void aColumnOfAnotherWidthIsRefusedBeforeAnyTaskOfTheTransform() {
        float[][] narrow = new float[20][5];
        long instances = LoadedModels.instances();
        var e = assertThrows(SparkModelException.class, () -> model.encode(SharedSpark.frame(narrow, 2), "x", "c"));
        assertTrue(e.getMessage().contains("holds 5 values a row, but model 'sparkdae' takes 8"), e.getMessage());
        assertEquals(instances, LoadedModels.instances(), "no task of the transform ran");
    }

    @Test
    void weightsThatDoNotFitTheProgramAreRefusedOnTheDriver() throws Exception {
        Path ae = SharedSpark.folder().resolve("wide.ae");
        Files.writeString(ae, """
                model sparkdae {
                  input x[8]
                  encoder f { dense 20 tanh; dense 12 sigmoid }
                  decoder g { dense 16 tanh; dense 8 }
                  minimize mse(x, g(f(x)))
                }
                """);
        var e = assertThrows(SparkModelException.class, () -> SparkModel.load(SharedSpark.modelFile(), ae, null));
        assertTrue(e.getMessage().contains("does not fit model sparkdae"), e.getMessage());
        assertTrue(e.getMessage().contains("f.0.weight"), e.getMessage());
    }

    @Test
    void badColumnsAndOptionsAreRefusedWithTheFix() {
        assertTrue(assertThrows(SparkModelException.class, () -> model.encode(df, "pixels", "c"))
                .getMessage()
                .contains("no column 'pixels'; its columns are id, x"));
        assertTrue(assertThrows(SparkModelException.class, () -> model.encode(df, "x", "id"))
                .getMessage()
                .contains("already has a column 'id'"));
        assertTrue(assertThrows(SparkModelException.class, () -> model.encode(df, "id", "c"))
                .getMessage()
                .contains("not an array of float or double"));
        assertTrue(assertThrows(SparkModelException.class, () -> model.hash(df, "x", "a", 13))
                .getMessage()
                .contains("bits must be in 1..12"));
    }
}
