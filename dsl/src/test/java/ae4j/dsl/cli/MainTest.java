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
        assertEquals(2, run(err, "check", dir.resolve("missing.ae").toString()));
        assertEquals(2, run(err, "check"));
        assertEquals(2, run(err));
        assertEquals("2 errors, 1 warning", Main.summary(2, 1));
    }
}
