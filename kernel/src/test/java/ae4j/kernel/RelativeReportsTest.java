package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RelativeReportsTest {

    private static final Path REPORTS = Path.of("/tmp/ae4j-notebook-reports42");

    private static String through(String... writes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RelativeReports paths = new RelativeReports(new PrintStream(bytes, true, StandardCharsets.UTF_8), REPORTS);
        PrintStream ps = paths.printStream();
        for (String w : writes) ps.print(w);
        paths.finish();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pathsIntoTheReportsFolderBecomeRelative() {
        assertEquals(
                "score_field dae2d on moons: wrote dae2d/score-field.png and dae2d/score-field.csv\n",
                through("score_field dae2d on moons: wrote /tmp/ae4j-notebook-reports42/dae2d/score-field.png and "
                        + "/tmp/ae4j-notebook-reports42/dae2d/score-field.csv\n"));
        assertEquals(
                "side by side in . (the folder itself)\n",
                through("side by side in /tmp/ae4j-notebook-reports42 (the folder itself)\n"));
    }

    @Test
    void aPathSplitAcrossWritesIsStillFound() {
        assertEquals(
                "wrote m/codes.png\nnext line\n",
                through("wrote /tmp/ae4j-note", "book-reports42/m/co", "des.png\nnext ", "line\n"));
    }

    @Test
    void otherTextAndAnUnfinishedLinePassUnchanged() {
        assertEquals(
                "loss 1.5 in /tmp/other/x.png\nno newline", through("loss 1.5 in /tmp/other/x.png\n", "no newline"));
        assertEquals("héllo ✓\n", through("héllo ✓\n"));
    }
}
