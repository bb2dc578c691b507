package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedProgram;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.data.DataException;
import ae4j.dsl.data.DataLoader;
import ae4j.dsl.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Reads a data file the way {@code ae4j run} does (a one-line program {@code data d = SOURCE}, checked, then
 * built by a {@link DataLoader}) and checks what a data set promises: {@code size x dim} finite values, the
 * example shape's product is {@code dim}, one label per example.
 */
final class LoadedData {

    private static final Map<String, CheckedProgram> PROGRAMS = new HashMap<>();

    private LoadedData() {}

    /** Builds data set {@code d} of {@code data d = <source>}; paths in {@code source} must be absolute. */
    static Dataset load(String source) {
        CheckedProgram p = PROGRAMS.computeIfAbsent(source, s -> {
            FrontEnd.Result r = FrontEnd.check("fuzz.ae", "data d = " + s + "\n");
            assertTrue(r.ok(), () -> r.diagnostics().render());
            return r.checked();
        });
        return new DataLoader(p, Path.of("/")).get("d");
    }

    /** Loads and checks the invariants; a few words on what was read. */
    static String loadChecked(String source) {
        Dataset d = load(source);
        int[] shape = d.shape();
        long product = 1;
        for (int s : shape) {
            assertTrue(s >= 0, "negative dimension in " + Arrays.toString(shape));
            product *= s;
        }
        assertEquals(product, d.dim(), "shape " + Arrays.toString(shape) + " but dim " + d.dim());
        assertTrue(d.size() >= 0, "size " + d.size());
        assertEquals((long) d.size() * d.dim(), d.values().length, "values for " + d.size() + " x " + d.dim());
        for (float v : d.values()) assertTrue(Float.isFinite(v), "a value is " + v);
        if (d.labels() != null) assertEquals(d.size(), d.labels().length, "labels");
        return d.size() + " x " + Arrays.toString(shape) + (d.labels() != null ? " with labels" : "");
    }

    static boolean isUserError(Throwable t) {
        return t instanceof DataException;
    }

    /** {@code "path"} as a program writes it. */
    static String quoted(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\") + "\"";
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }
}
