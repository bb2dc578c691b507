package ae4j.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Careless and hostile command lines, each with the exit code of the one rule (1: fix what you gave) and
 * the words the message must contain. Every case must answer in words: no Java exception name, no trace.
 * A bug found on the command line becomes a row here.
 */
class CliCorpusTest {

    @TempDir
    Path dir;

    private record Case(String what, List<String> args, int code, String expected) {}

    private static final String PROGRAM = """
            data moons = two_moons(n: 64)
            model m {
              input x[2]
              encoder f { dense 2 tanh }
              decoder g { dense 2 }
              minimize mse(x, g(f(x)))
            }
            train m on moons { epochs: 1 }
            """;

    private List<Case> cases() throws IOException {
        Path ok = Files.writeString(dir.resolve("ok.ae"), PROGRAM);
        Path bad = Files.writeString(dir.resolve("bad.ae"), "model m { input x[2] encoder f { dense 2 rleu } }\n");
        Path latin1 = Files.write(dir.resolve("latin1.ae"), "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Path folder = Files.createDirectories(dir.resolve("folder.ae"));
        Path file = Files.writeString(dir.resolve("results.txt"), "keep");
        Path garbage = Files.write(dir.resolve("garbage.ckpt"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        Path noData = Files.writeString(
                dir.resolve("nodata.ae"), PROGRAM.replace("two_moons(n: 64)", "csv(\"missing.csv\")"));
        Path dirData = Files.writeString(
                dir.resolve("dirdata.ae"), PROGRAM.replace("two_moons(n: 64)", "csv(\"" + folder + "\")"));
        String o = dir.resolve("out").toString();
        List<Case> c = new ArrayList<>();
        c.add(new Case("no arguments", List.of(), 1, "usage: ae4j check"));
        c.add(new Case("unknown command", List.of("frobnicate"), 1, "unknown language command 'frobnicate'"));
        c.add(new Case("check, missing file", List.of("check", dir + "/nope.ae"), 1, "nope.ae: no such file"));
        c.add(new Case("check, a folder", List.of("check", folder.toString()), 1, "is a folder; give a program file"));
        c.add(new Case("check, not UTF-8", List.of("check", latin1.toString()), 1, "not UTF-8 text (byte 0xE9)"));
        c.add(new Case("check, program errors", List.of("check", bad.toString()), 1, "did you mean 'relu'?"));
        c.add(new Case("check, no file", List.of("check"), 1, "usage: ae4j check FILE..."));
        c.add(new Case("fmt, unknown option", List.of("fmt", "--bogus", ok.toString()), 1, "unknown option '--bogus'"));
        c.add(new Case("fmt, missing file", List.of("fmt", dir + "/nope.ae"), 1, "no such file"));
        c.add(new Case("emit, no file", List.of("emit"), 1, "usage: ae4j emit"));
        c.add(new Case("emit, --model without a name", List.of("emit", ok.toString(), "--model"), 1, "--model needs"));
        c.add(new Case("emit, unknown model", List.of("emit", ok.toString(), "--model", "zz"), 1, "zz"));
        c.add(new Case("emit, two files", List.of("emit", ok.toString(), bad.toString()), 1, "one file at a time"));
        c.add(new Case("run, negative epochs", List.of("run", ok.toString(), "--epochs", "-3"), 1, "positive integer"));
        c.add(new Case("run, epochs not a number", List.of("run", ok.toString(), "--epochs", "lots"), 1, "got 'lots'"));
        c.add(new Case(
                "run, epochs overflow", List.of("run", ok.toString(), "--epochs", "99999999999"), 1, "positive"));
        c.add(new Case("run, option without value", List.of("run", ok.toString(), "--out"), 1, "--out needs a value"));
        c.add(new Case("run, unknown option", List.of("run", ok.toString(), "--fast"), 1, "unknown option '--fast'"));
        c.add(new Case("run, two files", List.of("run", ok.toString(), bad.toString()), 1, "one file at a time"));
        c.add(new Case(
                "run, --out is a file",
                List.of("run", ok.toString(), "--out", file.toString()),
                1,
                "is a file, not a folder"));
        c.add(new Case(
                "run, program errors", List.of("run", bad.toString(), "--out", o), 1, "has errors; nothing was run"));
        c.add(new Case("run, missing program", List.of("run", dir + "/nope.ae"), 1, "no such file"));
        c.add(new Case("run, a folder as program", List.of("run", folder.toString()), 1, "is a folder"));
        c.add(new Case(
                "run, --resume missing",
                List.of("run", ok.toString(), "--out", o, "--resume", dir + "/no.ckpt"),
                1,
                "--resume"));
        c.add(new Case(
                "run, --resume garbage",
                List.of("run", ok.toString(), "--out", o, "--resume", garbage.toString()),
                1,
                "garbage.ckpt"));
        c.add(new Case(
                "run, --resume a folder",
                List.of("run", ok.toString(), "--out", o, "--resume", folder.toString()),
                1,
                "folder.ae"));
        c.add(new Case("run, missing data file", List.of("run", noData.toString(), "--out", o), 1, "missing.csv"));
        c.add(new Case("run, data file is a folder", List.of("run", dirData.toString(), "--out", o), 1, "folder.ae"));
        return c;
    }

    @Test
    void everyCaseExitsWithItsCodeAndSaysWhatToFix() throws IOException {
        List<String> failures = new ArrayList<>();
        List<Case> all = cases();
        for (Case c : all) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code;
            try {
                code = Main.run(
                        c.args().toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
            } catch (RuntimeException e) {
                failures.add(c.what() + ": threw " + e);
                continue;
            }
            String said = err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8);
            if (code != c.code()) failures.add(c.what() + ": exit " + code + ", expected " + c.code() + "\n" + said);
            else if (!said.contains(c.expected())) failures.add(c.what() + ": no '" + c.expected() + "' in\n" + said);
            else if (said.contains("Exception") || said.contains("\tat "))
                failures.add(c.what() + ": a trace\n" + said);
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + all.size() + " cases failed:\n" + String.join("\n", failures));
        assertEquals("keep", Files.readString(dir.resolve("results.txt")));
        assertFalse(Files.exists(dir.resolve("out").resolve("m").resolve("m.safetensors")), "nothing trained");
    }
}
