package ae4j.dsl.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PicturesTest {

    @TempDir
    Path dir;

    /** A log scale when the curve spans a factor of 2 or more and stays positive; linear otherwise. */
    @Test
    void logScaleWhenTheLossSpansOrdersOfMagnitude() {
        assertTrue(Pictures.logScaleFits(new double[] {540, 240, 230, 226}, null));
        assertTrue(!Pictures.logScaleFits(new double[] {540, 300, 280}, new double[] {550, 310, 290}), "1.96x");
        assertTrue(!Pictures.logScaleFits(new double[] {5, -1, 0.01}), "a value <= 0 cannot be on a log axis");
        assertTrue(Pictures.logScaleFits(new double[] {1, Double.NaN, 0.04}), "NaN skipped");
    }

    /** One epoch: the axis spans the point with room (no degenerate axis, no 16-digit tick). */
    @Test
    void aSingleEpochChartHasAReadableWindow() {
        var chart = Pictures.lossChart(new double[] {1}, new double[] {285.7933332377116}, null, false, 400, 300);
        assertEquals(0.0, chart.getStyler().getXAxisMin(), 1e-12);
        assertEquals(2.0, chart.getStyler().getXAxisMax(), 1e-12);
        assertTrue(chart.getStyler().getYAxisMin() < 285.79 && chart.getStyler().getYAxisMax() > 285.80);
        assertEquals("#,##0.####", chart.getStyler().getYAxisDecimalPattern());
    }

    /** Rows named at the left: the grid keeps its pixels at the right, the label column is white with dark text. */
    @Test
    void labelledGridKeepsTheGridAndNamesItsRows() {
        float[] a = new float[2 * 4 * 4];
        java.util.Arrays.fill(a, 1f);
        BufferedImage plain = Pictures.imageGrid(List.of(a, a), 2, 4, 4, 3, 2);
        BufferedImage named = Pictures.labelledGrid(List.of(a, a), List.of("original", "reconstruction"), 2, 4, 4, 3);
        assertEquals(plain.getHeight(), named.getHeight());
        int left = named.getWidth() - plain.getWidth();
        assertTrue(left > 20, "label column " + left);
        for (int y = 0; y < plain.getHeight(); y++)
            for (int x = 0; x < plain.getWidth(); x++)
                assertEquals(plain.getRaster().getSample(x, y, 0), named.getRGB(left + x, y) & 0xff);
        boolean dark = false;
        for (int y = 0; y < named.getHeight(); y++)
            for (int x = 0; x < left; x++) dark |= (named.getRGB(x, y) & 0xff) < 100;
        assertTrue(dark, "text in the label column");
        assertThrows(IllegalArgumentException.class, () -> Pictures.labelledGrid(List.of(a), List.of(), 2, 4, 4, 3));
    }

    /** On request (ae4j.svg), a chart is written as SVG beside its PNG; otherwise PNG only. */
    @Test
    void chartsAreWrittenAsSvgBesideThePngOnRequest(@TempDir Path dir) throws IOException {
        var chart = Pictures.lossChart(new double[] {1, 2, 3}, new double[] {3, 2, 1}, null, false, 400, 300);
        String before = System.getProperty("ae4j.svg");
        try {
            System.clearProperty("ae4j.svg");
            Pictures.write(dir.resolve("a.png"), chart);
            assertTrue(Files.isRegularFile(dir.resolve("a.png")));
            assertTrue(!Files.exists(dir.resolve("a.svg")) || Pictures.svgRequested(), "no SVG unless requested");
            System.setProperty("ae4j.svg", "true");
            Pictures.write(dir.resolve("b.png"), chart);
            String svg = Files.readString(dir.resolve("b.svg"));
            assertTrue(svg.contains("<svg") && svg.contains("</svg>"), svg.substring(0, Math.min(200, svg.length())));
            assertNotNull(ImageIO.read(dir.resolve("b.png").toFile()));
        } finally {
            if (before == null) System.clearProperty("ae4j.svg");
            else System.setProperty("ae4j.svg", before);
        }
    }

    @Test
    void headlessIsSetByDefault() {
        assertNotNull(Pictures.png(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY)));
        assertEquals("true", System.getProperty("java.awt.headless"));
    }

    @Test
    void lossCurvePngDecodesWithTheRequestedSize() throws IOException {
        MetricsLog log = new MetricsLog();
        for (int e = 1; e <= 12; e++) {
            log.add(e, e % 3 == 0 ? Map.of("train_loss", 1.0 / e) : Map.of("train_loss", 1.0 / e, "val_loss", 1.2 / e));
        }
        Path png = dir.resolve("loss.png");
        Pictures.lossCurve(png, log, "train_loss", "val_loss", true);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());

        byte[] small = Pictures.lossCurvePng(new double[] {1, 2, 3}, new double[] {3, 2, 1}, null, false, 320, 200);
        BufferedImage s = ImageIO.read(new ByteArrayInputStream(small));
        assertEquals(320, s.getWidth());
        assertEquals(200, s.getHeight());
        // the corner is the chart's white background
        assertEquals(0xffffffff, s.getRGB(1, 1));
    }

    @Test
    void logScaleSkipsNonPositiveAndSaysWhenNothingIsLeft() throws IOException {
        assertNotNull(Pictures.lossCurvePng(
                new double[] {1, 2}, new double[] {0, 0.5}, new double[] {-1, 0.6}, true, 200, 150));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Pictures.lossChart(new double[] {1}, new double[] {0}, null, true, 200, 150));
        assertEquals("no loss values to plot (a log scale needs values > 0)", e.getMessage());
    }

    @Test
    void svgIsWritten() throws IOException {
        Path svg = dir.resolve("loss.svg");
        Pictures.lossCurveSvg(svg, new double[] {1, 2}, new double[] {1, 0.5}, null, false);
        assertTrue(Files.readString(svg).contains("<svg"));
    }

    @Test
    void imageGridLayoutAndPixels() throws IOException {
        int n = 3, h = 2, w = 4, scale = 3;
        float[] originals = new float[n * h * w];
        float[] corrupted = new float[n * h * w];
        float[] recon = new float[n * h * w];
        for (int i = 0; i < originals.length; i++) {
            originals[i] = i / (float) (originals.length - 1);
            corrupted[i] = i % 2 == 0 ? -0.5f : 1.5f; // clamped to 0 and 1
            recon[i] = 0.5f;
        }
        recon[n * h * w - 1] = Float.NaN;
        Path png = dir.resolve("grid.png");
        Pictures.imageGrid(png, List.of(originals, corrupted, recon), n, h, w, scale);
        BufferedImage img = ImageIO.read(png.toFile());
        int gap = 2;
        assertEquals(n * w * scale + (n + 1) * gap, img.getWidth());
        assertEquals(3 * h * scale + 4 * gap, img.getHeight());
        Raster r = img.getRaster();
        assertEquals(1, r.getNumBands());
        assertEquals(Pictures.GAP_GRAY, r.getSample(0, 0, 0));
        // example j=1, pixel (x=2, y=1) of the originals: value index 1*8 + 1*4 + 2 = 14 -> 14/23
        int x0 = gap + (w * scale + gap) + 2 * scale;
        int y0 = gap + 1 * scale;
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                assertEquals(Math.round(14 / 23f * 255), r.getSample(x0 + dx, y0 + dy, 0));
            }
        }
        int row1 = gap + h * scale + gap;
        assertEquals(0, r.getSample(gap, row1, 0)); // corrupted[0] = -0.5 -> 0
        assertEquals(255, r.getSample(gap + scale, row1, 0)); // corrupted[1] = 1.5 -> 255
        int row2 = row1 + h * scale + gap;
        assertEquals(128, r.getSample(gap, row2, 0)); // 0.5 -> round(127.5) = 128
        int lastX = gap + 2 * (w * scale + gap) + (w - 1) * scale; // NaN -> black
        assertEquals(0, r.getSample(lastX, row2 + (h - 1) * scale, 0));
        assertEquals(Pictures.GAP_GRAY, r.getSample(gap + w * scale, row2, 0)); // gap between columns
    }

    @Test
    void imageGridSaysWhenARowIsTooShort() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Pictures.imageGrid(List.of(new float[16], new float[10]), 2, 2, 4, 1, 0));
        assertEquals("image grid row 1 has 10 values, need 2 examples of 2 x 4 = 16", e.getMessage());
    }
}
