package ae4j.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream err, String... args) {
        return Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
    }

    /** run --svg writes the charts as SVG beside their PNG (the loss curve here). */
    @Test
    void runWithSvgWritesTheChartsAsSvgToo() throws IOException {
        Path f = Files.writeString(dir.resolve("s.ae"), """
                data d = two_moons(n: 100)
                model m {
                  input x[2]
                  encoder f { dense 3 tanh }
                  decoder g { dense 2 }
                  minimize mse(x, g(f(x)))
                }
                train m on d { epochs: 2 }
                """);
        String before = System.getProperty("ae4j.svg");
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(
                    0, run(err, "run", f.toString(), "--out", dir.resolve("o").toString(), "--svg"), err.toString());
            assertTrue(Files.readString(dir.resolve("o/m/loss.svg")).contains("<svg"));
            assertTrue(Files.isRegularFile(dir.resolve("o/m/loss.png")));
        } finally {
            if (before == null) System.clearProperty("ae4j.svg");
            else System.setProperty("ae4j.svg", before);
        }
    }

    @Test
    void exitCodesAndSummary() throws IOException {
        Path ok = Files.writeString(dir.resolve("ok.ae"), "data d = two_moons()\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(err, "check", ok.toString())); // a warning only
        assertTrue(err.toString().contains("warning: data set 'd' is never used"), err.toString());
        assertTrue(err.toString().endsWith("1 warning\n"), err.toString());

        Path bad = Files.writeString(dir.resolve("bad.ae"), "data d = two_moon()\ntrain m on d\n");
        err = new ByteArrayOutputStream();
        assertEquals(1, run(err, "check", bad.toString()));
        assertTrue(err.toString().endsWith("2 errors\n"), err.toString());

        err = new ByteArrayOutputStream();
        // the exit-code rule: 1 for anything the user gives (a missing file, usage), 2 environment, 3 bug
        assertEquals(1, run(err, "check", dir.resolve("missing.ae").toString()));
        assertEquals(1, run(err, "check"));
        assertEquals(1, run(err));
        err = new ByteArrayOutputStream();
        assertEquals(1, run(err, "check", dir.toString()));
        assertTrue(err.toString().contains(dir + " is a folder; give a program file (.ae)"), err.toString());
        assertEquals("2 errors, 1 warning", Main.summary(2, 1));
    }

    /** A file that is not UTF-8 gets its position and what to do, for check and run alike (it said "Input length = 1"). */
    @Test
    void textThatIsNotUtf8IsReportedWhereItStands() throws IOException {
        Path latin = dir.resolve("latin.ae");
        Files.write(
                latin, "data d = two_moons()\n# caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        for (String command : new String[] {"check", "run"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(1, run(err, command, latin.toString()));
            assertTrue(
                    err.toString().contains(latin + ":2:6: not UTF-8 text (byte 0xE9); save the file as UTF-8"),
                    err.toString());
        }
    }

    @Test
    void runRejectsANonPositiveEpochCap() throws IOException {
        Path ok = Files.writeString(dir.resolve("ok.ae"), "data d = two_moons()\n");
        for (String bad : new String[] {"-3", "0", "x"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(1, run(err, "run", ok.toString(), "--epochs", bad));
            assertTrue(err.toString().contains("--epochs needs a positive integer, got '" + bad + "'"), err.toString());
        }
    }

    @Test
    void emitPrintsTheGeneratedClassOfEachModelOrTheNamedOne() throws IOException {
        Path f = Files.writeString(dir.resolve("m.ae"), """
                model a {
                  input x[4]
                  encoder f { dense 2 sigmoid }
                  decoder g tied
                  minimize mse(x, g(f(x)))
                }
                model b {
                  input x[4]
                  encoder f { dense 3 relu }
                  decoder g { dense 4 identity }
                  minimize mse(x, g(f(x)))
                }
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(
                0,
                Main.run(new String[] {"emit", f.toString()}, new PrintStream(out, true), new PrintStream(err, true)));
        String both = out.toString();
        assertTrue(both.contains("public final class Model_a implements CompiledModel"), both);
        assertTrue(both.contains("public final class Model_b implements CompiledModel"), both);
        assertTrue(both.contains("// line 3: dense 2 sigmoid"), both);

        out.reset();
        assertEquals(
                0,
                Main.run(
                        new String[] {"emit", f.toString(), "--model", "b"},
                        new PrintStream(out, true),
                        new PrintStream(err, true)));
        assertTrue(
                out.toString().contains("class Model_b") && !out.toString().contains("class Model_a"), out.toString());

        err.reset();
        assertEquals(1, run(err, "emit", f.toString(), "--model", "c"));
        assertTrue(err.toString().contains("has no model 'c'; its models: a, b"), err.toString());

        Path bad = Files.writeString(dir.resolve("bad.ae"), "model m { input x[4] }\n");
        err.reset();
        assertEquals(1, run(err, "emit", bad.toString()));
        assertTrue(err.toString().contains("has no encoder"), err.toString());

        assertEquals(1, run(err, "emit"));
        assertEquals(1, run(err, "emit", f.toString(), "--model"));
        assertEquals(1, run(err, "emit", f.toString(), "--bogus"));
        assertEquals(1, run(err, "emit", dir.resolve("missing.ae").toString()));
    }
}
