package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.analysis.ManifoldParzen;
import ae4j.dsl.data.Synthetic;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;

/** A manifold Parzen result in a notebook: its numbers as a table and, for 2-D data, its picture. */
class ManifoldParzenDisplayTest {

    @Test
    void showsTheNumbersAndThePicture() {
        var r = ManifoldParzen.compare(
                Synthetic.circle("train", 100, 1, 0.02, 1), Synthetic.circle("test", 50, 2, 0.02, 1), 10, 1);
        DisplayData d = Displays.of(r, null);
        String html = String.valueOf(d.getData(MIMEType.TEXT_HTML));
        assertTrue(html.contains("pancake_loglik") && html.contains("iso_sigma"), html);
        assertNotNull(d.getData(MIMEType.IMAGE_PNG), "a picture for 2-D data");
    }
}
