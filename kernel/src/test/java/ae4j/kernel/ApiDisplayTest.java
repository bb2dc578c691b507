package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.api.Ae4j;
import ae4j.api.Data;
import ae4j.api.History;
import ae4j.dsl.run.Session;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ae4j.api values in a notebook: a training History shows as its loss chart (PNG), a summary as a table. */
class ApiDisplayTest {

    @TempDir
    Path dir;

    @Test
    void historyShowsAsAChartAndSummaryAsATable() throws Exception {
        Ae4j.use(new Session(dir, dir.resolve("r"), null));
        Ae4j.eval(
                "model m { input x[2]  encoder f { dense 2 tanh }  decoder g { dense 2 }  minimize mse(x, g(f(x))) }");
        Data d = Data.of(new float[][] {{0, 1}, {1, 0}, {0.5f, 0.5f}, {1, 1}});
        History h = Ae4j.model("m").train(d, "epochs: 3, batch: 2");
        DisplayData shown = Displays.of(h, null);
        String png = String.valueOf(shown.getData(MIMEType.IMAGE_PNG));
        var image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(png)));
        assertEquals(640, image.getWidth());
        assertTrue(String.valueOf(shown.getData(MIMEType.TEXT_PLAIN)).startsWith("training history of m (3 epochs)"));
        DisplayData summary = Displays.of(Ae4j.model("m").summary(), null);
        assertTrue(String.valueOf(summary.getData(MIMEType.TEXT_HTML)).contains("<table>"));
    }
}
