package ae4j.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainFmtTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void rewritesInPlaceAndLeavesNoTemporaryFile() throws IOException {
        Path f = file("a.ae", "data  d=spiral( )  # moons\n");
        assertEquals(0, run("fmt", f.toString()));
        assertEquals("data d = spiral()  # moons\n", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "only the formatted file remains");
        }
        assertEquals(0, run("fmt", "--check", f.toString()), "formatted files pass --check");
    }

    @Test
    void checkListsFilesThatWouldChangeAndChangesNothing() throws IOException {
        Path ugly = file("ugly.ae", "save m  to \"x\"\n");
        Path fine = file("fine.ae", "save m to \"x\"\n");
        assertEquals(1, run("fmt", "--check", ugly.toString(), fine.toString()));
        assertEquals(ugly + "\n", out.toString(StandardCharsets.UTF_8).replace("\r", ""));
        assertEquals("save m  to \"x\"\n", Files.readString(ugly));
    }

    @Test
    void refusesFilesWithSyntaxErrors() throws IOException {
        String bad = "model m {\n  minimize mse(x, g(f(x))\n}\n";
        Path f = file("bad.ae", bad);
        assertEquals(1, run("fmt", f.toString()));
        assertEquals(bad, Files.readString(f), "left untouched");
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("bad.ae:2:"), e);
        assertTrue(e.contains("not formatted"), e);
    }

    @Test
    void usageAndMissingFiles() {
        assertEquals(1, run("fmt"));
        assertEquals(1, run("fmt", "--bogus", "x.ae"));
        assertEquals(1, run("fmt", dir.resolve("nope.ae").toString()));
    }
}
