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
        c.add(new Case("unknown command", List.of("frobnicate"), 1, "unknown command 'frobnicate'"));
        c.add(new Case("mistyped command", List.of("chek", ok.toString()), 1, "did you mean 'check'"));
        c.add(new Case("short mistyped command", List.of("rn", ok.toString()), 1, "did you mean 'run'?"));
        c.add(new Case("mistyped subcommand", List.of("bench", "gem"), 1, "did you mean 'gemm'"));
        c.add(new Case("mistyped kernel command", List.of("kernel", "instal"), 1, "did you mean 'install'"));
        c.add(new Case(
                "run, mistyped option", List.of("run", ok.toString(), "--epoch", "3"), 1, "did you mean '--epochs'"));
        c.add(new Case("fmt, mistyped option", List.of("fmt", "--chek", ok.toString()), 1, "did you mean '--check'"));
        c.add(new Case(
                "emit, mistyped option", List.of("emit", ok.toString(), "--modle", "m"), 1, "did you mean '--model'"));
        c.add(new Case(
                "bench compare, mistyped option", List.of("bench", "compare", "--quik"), 1, "did you mean '--quick'"));
        c.add(new Case("bench psd, not a number", List.of("bench", "psd", "many"), 1, "'many' is not an int"));
        c.add(new Case(
                "launcher command run from Java", List.of("jshell"), 1, "is run by the launcher: ./ae4j jshell"));
        // help: exit 0, on standard output, for every command
        c.add(new Case("run --help", List.of("run", "--help"), 0, "Usage: ae4j run [-h] [--reference]"));
        c.add(new Case("check --help", List.of("check", "--help"), 0, "Usage: ae4j check [-h] [FILE...]"));
        c.add(new Case("help run", List.of("help", "run"), 0, "Usage: ae4j run"));
        c.add(new Case("check -h", List.of("check", "-h"), 0, "prints file:line:col diagnostics"));
        c.add(new Case("help", List.of("help"), 0, "Exit codes (every command)"));
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

    /** Every command of the tree answers --help with its usage and a description, exit 0, nothing on stderr. */
    @Test
    void everyCommandAnswersHelp() {
        List<String> paths = new ArrayList<>();
        collect(Cli.commandLine(System.out, System.err), List.of(), paths);
        for (String must : List.of(
                "run",
                "check",
                "fmt",
                "emit",
                "version",
                "demo",
                "bench gemm",
                "bench compare",
                "kernel install",
                "notebook",
                "notebooks refresh",
                "jshell",
                "test",
                "completion")) assertTrue(paths.contains(must), must + " missing from " + paths);
        for (String path : paths) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<String> args = new ArrayList<>(List.of(path.split(" ")));
            args.add("--help");
            int code = Main.run(args.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
            String help = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, path + ": " + err);
            assertEquals("", err.toString(StandardCharsets.UTF_8), path);
            assertTrue(help.contains("Usage: ae4j " + path), path + ":\n" + help);
            String firstLine = help.lines().findFirst().orElse("");
            assertTrue(firstLine.length() > 10 && !firstLine.startsWith("Usage"), path + ": no header line\n" + help);
        }
    }

    private static void collect(picocli.CommandLine c, List<String> prefix, List<String> paths) {
        c.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return;
            List<String> p = new ArrayList<>(prefix);
            p.add(name);
            paths.add(String.join(" ", p));
            collect(sub, p, paths);
        });
    }

    /** The completion script, run by bash, completes commands, subcommands and options (also for ./ae4j). */
    @Test
    void bashCompletionCompletesCommandsAndOptions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"completion"}, new PrintStream(out, true), System.err));
        Path script = Files.write(dir.resolve("ae4j-completion.bash"), out.toByteArray());
        assertEquals("check", complete(script, "./ae4j", "ch"));
        assertEquals("gemm", complete(script, "ae4j", "bench", "ge"));
        assertEquals("--epochs", complete(script, "ae4j", "run", "--ep"));
        assertEquals("install", complete(script, "./ae4j", "kernel", "in"));
    }

    /** What bash completes for the last word of {@code words}, as the completion function leaves it in COMPREPLY. */
    private static String complete(Path script, String... words) throws Exception {
        StringBuilder w = new StringBuilder();
        for (String s : words) w.append(" '").append(s).append('\'');
        String line = String.join(" ", words);
        String bash = "compopt() { :; }; source '" + script + "'; COMP_WORDS=(" + w + " ); COMP_CWORD="
                + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length() + "; _complete_ae4j " + words[0] + " '"
                + words[words.length - 1] + "' '" + words[words.length - 2] + "'; echo \"${COMPREPLY[*]}\"";
        Process p =
                new ProcessBuilder("bash", "-c", bash).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), said);
        return said;
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
