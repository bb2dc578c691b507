package ae4j.dsl.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and careless save targets: each is refused before anything is trained (exit 1, the statement, the
 * path and what it is named), and the target is left as it was. Before, the atomic rename replaced whatever
 * was there, a device node included, or training finished and then failed to save.
 */
class SaveTargetsTest {

    @TempDir
    Path dir;

    private static final String MODEL = """
            data moons = two_moons(n: 64)
            model m {
              input x[2]
              encoder f { dense 2 tanh }
              decoder g { dense 2 }
              minimize mse(x, g(f(x)))
            }
            """;

    /** One case: the statements after the model, and what the error must say. */
    private record Case(String name, String statements, String expected) {}

    private RunOutcome run(String name, String statements) throws IOException {
        Path f = Files.writeString(dir.resolve(name + ".ae"), MODEL + statements);
        return RunOutcome.of(f, dir.resolve("out-" + name));
    }

    private void refused(Case c) throws IOException {
        RunOutcome r = run(c.name(), c.statements());
        assertEquals(1, r.code(), c.name() + ": " + r.err());
        assertTrue(r.err().contains(c.expected()), c.name() + ": " + r.err());
        assertTrue(r.err().contains("nothing was run"), c.name() + ": " + r.err());
        assertFalse(r.out().contains("train m on moons"), c.name() + ": training started: " + r.out());
    }

    @Test
    void targetsThatAreNotRegularFilesAreRefusedBeforeTraining() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        Path file = Files.writeString(dir.resolve("plain.txt"), "keep me");
        Path fifo = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path socket = dir.resolve("sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            List<Case> cases = List.of(
                    new Case(
                            "folder",
                            "train m on moons { epochs: 1 }\nsave m to \"" + folder + "\"\n",
                            folder + " is a folder; give a file path inside it"),
                    new Case(
                            "device",
                            "train m on moons { epochs: 1 }\nsave m to \"/dev/null\"\n",
                            "save m to \"/dev/null\": /dev/null is a character device, not a regular file"),
                    new Case(
                            "fifo",
                            "train m on moons { epochs: 1 }\nexport m to \"" + fifo + "\" as csv\n",
                            fifo + " is a FIFO (named pipe), not a regular file"),
                    new Case(
                            "socket",
                            "train m on moons { epochs: 1 }\nsave m to \"" + socket + "\"\n",
                            socket + " is a socket, not a regular file"),
                    new Case(
                            "below-a-file",
                            "train m on moons { epochs: 1 }\nsave m to \"" + file.resolve("m.safetensors") + "\"\n",
                            file + " is a file, so " + file.resolve("m.safetensors") + " cannot be created below it"),
                    new Case(
                            "checkpoint-folder",
                            "train m on moons { epochs: 1, checkpoint: \"" + folder + "\" }\n",
                            "train m (checkpoint: \"" + folder + "\"): " + folder + " is a folder"));
            for (Case c : cases) refused(c);
        }
        assertEquals(020000, (int) Files.getAttribute(Path.of("/dev/null"), "unix:mode") & 0170000, "still a device");
        assertEquals("keep me", Files.readString(file));
        assertTrue(Files.isDirectory(folder));
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo));
        assertEquals(List.of(), Files.list(folder).toList(), "nothing written into the folder");
    }

    @Test
    void aReadOnlyFolderIsRefusedBeforeTraining() throws Exception {
        Assumptions.assumeFalse(
                "root".equals(System.getProperty("user.name")), "root writes to read-only folders anyway");
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            refused(new Case(
                    "read-only",
                    "train m on moons { epochs: 1 }\nsave m to \"" + ro.resolve("m.safetensors") + "\"\n",
                    "the folder " + ro + " is not writable"));
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aGoodTargetIsWrittenAndAnExistingFileReplaced() throws Exception {
        Path target = Files.writeString(dir.resolve("old.safetensors"), "old");
        RunOutcome r = run("good", "train m on moons { epochs: 1 }\nsave m to \"" + target + "\"\n");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(target) > 100, "the old file was replaced by the model");
    }

    @Test
    void anExistingFileAsTheOutputFolderIsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("p.ae"), MODEL + "train m on moons { epochs: 1 }\n");
        Path notAFolder = Files.writeString(dir.resolve("results.txt"), "keep");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"run", f.toString(), "--out", notAFolder.toString()},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true));
        assertEquals(1, code);
        assertTrue(err.toString().contains("--out " + notAFolder + " is a file, not a folder"), err.toString());
        assertEquals("keep", Files.readString(notAFolder));
    }

    @Test
    void aBugReportHoldsTheTraceAndTheCommand() throws Exception {
        Path report = ExitCode.bugReport(new IllegalStateException("ae4j bug: example"), "ae4j run x.ae");
        String text = Files.readString(report);
        Files.delete(report);
        assertTrue(text.contains("command: ae4j run x.ae"), text);
        assertTrue(text.contains("java.lang.IllegalStateException: ae4j bug: example"), text);
        assertTrue(text.contains("at ae4j.dsl.run.SaveTargetsTest"), text);
    }
}
