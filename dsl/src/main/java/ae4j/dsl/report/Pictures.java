package ae4j.dsl.report;

import ae4j.dsl.io.AtomicFile;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Pictures as PNG: the loss curve and other curves (XChart), and a grid of images (originals, corrupted
 * inputs, reconstructions). Everything renders off-screen: {@code java.awt.headless} is set to {@code true} before
 * any AWT class loads unless the caller chose otherwise, so no display is needed. Files are written
 * atomically.
 */
public final class Pictures {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Gray value (0..255) of the gaps between grid cells. */
    public static final int GAP_GRAY = 128;

    private Pictures() {}

    // ---- loss curve ----

    /**
     * The loss-curve chart: {@code train} and (if not null) {@code validation} against {@code epochs}.
     * Non-finite points are skipped, and so are points {@code <= 0} on a log scale. Callers (the notebook)
     * may restyle the returned chart before encoding it.
     */
    public static XYChart lossChart(
            double[] epochs, double[] train, double[] validation, boolean logScale, int width, int height) {
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title("Loss")
                .xAxisTitle("epoch")
                .yAxisTitle(logScale ? "loss (log scale)" : "loss")
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setYAxisLogarithmic(logScale);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setAntiAlias(true);
        boolean any = addSeries(chart, "training", epochs, train, logScale, new Color(0x1f77b4));
        if (validation != null) {
            any |= addSeries(chart, "validation", epochs, validation, logScale, new Color(0xff7f0e));
        }
        if (!any) {
            throw new IllegalArgumentException(
                    "no loss values to plot" + (logScale ? " (a log scale needs values > 0)" : ""));
        }
        return chart;
    }

    private static boolean addSeries(XYChart chart, String name, double[] x, double[] y, boolean log, Color color) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(name + ": " + y.length + " values for " + x.length + " epochs");
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!log || y[i] > 0)) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) {
            return false;
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
        return true;
    }

    /** The loss chart as PNG bytes. */
    public static byte[] lossCurvePng(
            double[] epochs, double[] train, double[] validation, boolean logScale, int width, int height)
            throws IOException {
        return BitmapEncoder.getBitmapBytes(
                lossChart(epochs, train, validation, logScale, width, height), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Writes the loss curve of {@code log}'s two columns (validation may be null or absent) as a PNG. */
    public static void lossCurve(
            Path png, MetricsLog log, String trainColumn, String validationColumn, boolean logScale)
            throws IOException {
        double[] val = validationColumn != null && log.columns().contains(validationColumn)
                ? log.series(validationColumn)
                : null;
        AtomicFile.write(png, lossCurvePng(log.epochs(), log.series(trainColumn), val, logScale, 800, 500));
    }

    /** Writes the loss chart as SVG (vector; for papers and docs). */
    public static void lossCurveSvg(Path svg, double[] epochs, double[] train, double[] validation, boolean logScale)
            throws IOException {
        XYChart chart = lossChart(epochs, train, validation, logScale, 800, 500);
        AtomicFile.write(
                svg,
                out -> VectorGraphicsEncoder.saveVectorGraphic(
                        chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
    }

    // ---- curves ----

    /** One named curve: y against x, points in order. */
    public record Curve(String name, double[] x, double[] y) {}

    /** Colours of successive curves (and of the loss chart's two series). */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)
    };

    /**
     * A chart of several curves with markers, one colour each (e.g. precision against recall, one curve per
     * hashing method). Non-finite points are skipped, and so are points {@code <= 0} on a logarithmic axis.
     */
    public static XYChart curvesChart(
            String title, String xTitle, String yTitle, boolean logX, List<Curve> curves, int width, int height) {
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(logX ? xTitle + " (log scale)" : xTitle)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setAntiAlias(true);
        boolean any = false;
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            if (c.x().length != c.y().length)
                throw new IllegalArgumentException(
                        c.name() + ": " + c.x().length + " x values but " + c.y().length + " y values");
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int j = 0; j < c.x().length; j++) {
                if (Double.isFinite(c.x()[j]) && Double.isFinite(c.y()[j]) && (!logX || c.x()[j] > 0)) {
                    xs.add(c.x()[j]);
                    ys.add(c.y()[j]);
                }
            }
            if (xs.isEmpty()) continue;
            XYSeries s = chart.addSeries(c.name(), xs, ys);
            Color color = PALETTE[i % PALETTE.length];
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setMarker(SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) throw new IllegalArgumentException("no points to plot" + (logX ? " (a log scale needs x > 0)" : ""));
        return chart;
    }

    /** {@link #curvesChart} as PNG bytes. */
    public static byte[] curvesPng(
            String title, String xTitle, String yTitle, boolean logX, List<Curve> curves, int width, int height)
            throws IOException {
        return BitmapEncoder.getBitmapBytes(
                curvesChart(title, xTitle, yTitle, logX, curves, width, height), BitmapEncoder.BitmapFormat.PNG);
    }

    // ---- image grid ----

    /**
     * A grayscale grid: one picture row per array of {@code rows} (e.g. originals, corrupted,
     * reconstructions), {@code n} columns. Each array holds at least {@code n} examples of {@code h x w}
     * floats, row-major, one after another (the batch layout of the model). Values are clamped to [0, 1]
     * (NaN shows as black) and mapped to gray {@code round(255 v)}; each value becomes a
     * {@code scale x scale} block.
     *
     * <p>Layout: cells are separated and surrounded by {@code gap} pixels of gray {@value #GAP_GRAY}, so the
     * image is {@code n (w scale) + (n + 1) gap} wide and {@code rows (h scale) + (rows + 1) gap} high; pixel
     * (x, y) of example j in row r starts at ({@code gap + j (w scale + gap) + x scale},
     * {@code gap + r (h scale + gap) + y scale}).
     */
    public static BufferedImage imageGrid(List<float[]> rows, int n, int h, int w, int scale, int gap) {
        if (rows.isEmpty() || n <= 0 || h <= 0 || w <= 0 || scale <= 0 || gap < 0) {
            throw new IllegalArgumentException(
                    "image grid needs rows, n, h, w, scale > 0 and gap >= 0 (got " + rows.size() + " rows, n=" + n
                            + ", h=" + h + ", w=" + w + ", scale=" + scale + ", gap=" + gap + ")");
        }
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).length < (long) n * h * w) {
                throw new IllegalArgumentException("image grid row " + r + " has " + rows.get(r).length
                        + " values, need " + n + " examples of " + h + " x " + w + " = " + (long) n * h * w);
            }
        }
        int cellW = w * scale;
        int cellH = h * scale;
        int width = Math.toIntExact((long) n * cellW + (long) (n + 1) * gap);
        int height = Math.toIntExact((long) rows.size() * cellH + (long) (rows.size() + 1) * gap);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = img.getRaster();
        int[] line = new int[width];
        java.util.Arrays.fill(line, GAP_GRAY);
        for (int y = 0; y < height; y++) {
            raster.setPixels(0, y, width, 1, line);
        }
        int[] block = new int[scale * scale];
        for (int r = 0; r < rows.size(); r++) {
            float[] data = rows.get(r);
            int y0 = gap + r * (cellH + gap);
            for (int j = 0; j < n; j++) {
                int x0 = gap + j * (cellW + gap);
                int base = j * h * w;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        java.util.Arrays.fill(block, gray(data[base + y * w + x]));
                        raster.setPixels(x0 + x * scale, y0 + y * scale, scale, scale, block);
                    }
                }
            }
        }
        return img;
    }

    /** Gray level 0..255 of a value in [0, 1] (clamped; NaN is 0). */
    static int gray(float v) {
        if (!(v > 0f)) {
            return 0;
        }
        return v >= 1f ? 255 : Math.round(v * 255f);
    }

    /** {@link #imageGrid} with a gap of 2 pixels, as PNG bytes. */
    public static byte[] imageGridPng(List<float[]> rows, int n, int h, int w, int scale) {
        return png(imageGrid(rows, n, h, w, scale, 2));
    }

    /** Writes {@link #imageGrid} (gap 2) to a PNG file, atomically. */
    public static void imageGrid(Path png, List<float[]> rows, int n, int h, int w, int scale) throws IOException {
        AtomicFile.write(png, imageGridPng(rows, n, h, w, scale));
    }

    /** Encodes an image as PNG bytes. */
    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
