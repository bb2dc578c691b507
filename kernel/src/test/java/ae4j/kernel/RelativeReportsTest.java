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

    /** The outputs folder next to the notebook shows as its path from the notebook: a link that works there. */
    @Test
    void anOutputsFolderInsideTheNotebooksFolderShowsAsItsPathFromThere() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RelativeReports paths = new RelativeReports(
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Path.of("/home/u/notebooks/ae4j-outputs"),
                Path.of("/home/u/notebooks"));
        paths.printStream().print("wrote /home/u/notebooks/ae4j-outputs/dae/loss.png\n");
        paths.finish();
        assertEquals("wrote ae4j-outputs/dae/loss.png\n", bytes.toString(StandardCharsets.UTF_8));
    }

    /** The kernel writes next to the notebook (ae4j-outputs/), or to a temporary folder when it cannot. */
    @Test
    void outputsGoNextToTheNotebookOrToATemporaryFolder(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AE4J_OUTPUTS") == null, "AE4J_OUTPUTS is set");
        Path out = Ae4jKernel.outputsFolder(dir);
        assertEquals(dir.resolve("ae4j-outputs"), out);
        org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.isDirectory(out));
        Path file = java.nio.file.Files.writeString(dir.resolve("plain-file"), "x");
        Path fallback = Ae4jKernel.outputsFolder(file); // below a regular file: cannot be created
        org.junit.jupiter.api.Assertions.assertTrue(
                java.nio.file.Files.isDirectory(fallback) && !fallback.startsWith(file), fallback.toString());
    }

    /** The links to a cell's files are relative to the notebook's folder, in HTML and as text. */
    @Test
    void linksAreRelativeToTheNotebook() {
        var d = Displays.links(
                java.util.List.of(
                        Path.of("/nb/ae4j-outputs/dae/loss.png"), Path.of("/nb/ae4j-outputs/dae/metrics.csv")),
                Path.of("/nb"));
        String html = (String) d.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_HTML);
        org.junit.jupiter.api.Assertions.assertTrue(
                html.contains("<a href=\"ae4j-outputs/dae/loss.png\" target=\"_blank\">"), html);
        org.junit.jupiter.api.Assertions.assertTrue(html.contains("ae4j-outputs/dae/metrics.csv"), html);
    }
}
