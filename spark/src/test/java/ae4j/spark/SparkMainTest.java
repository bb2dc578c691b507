package ae4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** ae4j spark on files: Parquet and CSV in, Parquet out, against the one-JVM model; exit codes of bad input. */
class SparkMainTest {

    private record Outcome(int code, String out, String err) {}

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
    void encodeAParquetFileWritesTheOneJvmCodes() throws Exception {
        float[][] x = SharedSpark.examples();
        Path folder = Files.createTempDirectory(SharedSpark.folder(), "cli");
        String in = folder.resolve("in.parquet").toString();
        SharedSpark.frame(x, 2).write().parquet(in);
        String out = folder.resolve("codes.parquet").toString();
        Outcome o = run("encode", "--model", SharedSpark.modelFile().toString(), "--in", in, "--out", out);
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("written to " + out), o.out());
        float[][] want = SharedSpark.model().encode(x);
        Map<Long, float[]> got = new HashMap<>();
        for (Row r :
                SharedSpark.session().read().parquet(out).select("id", "code").collectAsList())
            got.put(r.getLong(0), floats(r.get(1)));
        assertEquals(x.length, got.size());
        for (int i = 0; i < x.length; i++) assertArrayEquals(want[i], got.get((long) i), "row " + i);
        // the same output again is refused: nothing is overwritten
        Outcome again = run("encode", "--model", SharedSpark.modelFile().toString(), "--in", in, "--out", out);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("exists; remove it or give another --out"), again.err());
    }

    @Test
    void hashACsvFileThroughAe4jsReader() throws Exception {
        float[][] x = SharedSpark.examples();
        Path folder = Files.createTempDirectory(SharedSpark.folder(), "cli");
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            for (int j = 0; j < x[i].length; j++) csv.append(j == 0 ? "" : ",").append(Float.toString(x[i][j]));
            csv.append('\n');
        }
        Path in = folder.resolve("in.csv");
        Files.writeString(in, csv);
        String out = folder.resolve("hashed").toString();
        Outcome o = run(
                "hash",
                "--model",
                SharedSpark.modelFile().toString(),
                "--in",
                in.toString(),
                "--out",
                out,
                "--bits",
                "10",
                "--master",
                "local[2]");
        assertEquals(0, o.code(), o.err());
        float[][] h = SharedSpark.model().encode(java.util.Arrays.copyOf(x, 50));
        int seen = 0;
        for (Row r : SharedSpark.session()
                .read()
                .parquet(out)
                .select("id", "address")
                .collectAsList()) {
            int i = (int) r.getLong(0);
            long want = 0;
            for (int j = 0; j < 10; j++) if (h[i][j] >= 0.5f) want |= 1L << j;
            assertEquals(want, r.getLong(1), "row " + i);
            seen++;
        }
        assertEquals(50, seen);
    }

    @Test
    void badInputExitsWith1AndSaysWhy() throws Exception {
        Path folder = Files.createTempDirectory(SharedSpark.folder(), "cli");
        Outcome missing = run(
                "encode",
                "--model",
                folder.resolve("none.safetensors").toString(),
                "--in",
                "x",
                "--out",
                folder.resolve("o").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("none.safetensors not found"), missing.err());
        Outcome unknown = run("decode", "--model", "m");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("unknown spark command 'decode'"), unknown.err());
        Outcome noIn = run("score", "--model", SharedSpark.modelFile().toString(), "--out", "o");
        assertEquals(1, noIn.code());
        assertTrue(noIn.err().contains("--in is required"), noIn.err());
        Outcome noFile = run(
                "encode",
                "--model",
                SharedSpark.modelFile().toString(),
                "--in",
                folder.resolve("nope.parquet").toString(),
                "--out",
                folder.resolve("o2").toString());
        assertEquals(1, noFile.code());
        assertTrue(noFile.err().contains("nope.parquet"), noFile.err());
    }
}
