package ae4j.dsl.report;

import ae4j.dsl.io.AtomicFile;
import java.awt.Color;
import java.awt.Font;
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
        XYChart chart = chart("Loss", "epoch", logScale ? "loss (log scale)" : "loss", width, height);
        chart.getStyler().setYAxisLogarithmic(logScale);
        boolean any = addSeries(chart, "training (epoch mean)", epochs, train, logScale, color(0));
        if (validation != null) {
            any |= addSeries(chart, "validation", epochs, validation, logScale, color(1));
        }
        if (!any) {
            throw new IllegalArgumentException(
                    "no loss values to plot" + (logScale ? " (a log scale needs values > 0)" : ""));
        }
        integerTicks(chart, epochs);
        if (epochs.length == 1) { // one epoch: a readable point in a small window, not a degenerate axis
            chart.getStyler().setXAxisMin(epochs[0] - 1).setXAxisMax(epochs[0] + 1);
            double y = train[0];
            if (Double.isFinite(y) && y != 0) {
                chart.getStyler().setYAxisMin(logScale ? y / 2 : y - 0.1 * Math.abs(y));
                chart.getStyler().setYAxisMax(logScale ? y * 2 : y + 0.1 * Math.abs(y));
            }
        }
        return chart;
    }

    /**
     * Whether a loss curve reads better on a log scale: all values positive and spanning a factor of 2 or more (on
     * a linear axis the first epochs would flatten the rest).
     */
    public static boolean logScaleFits(double[]... series) {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double[] s : series) {
            if (s == null) continue;
            for (double v : s) {
                if (!Double.isFinite(v)) continue;
                if (v <= 0) return false;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return hi > 0 && hi / lo >= 2;
    }

    // ---- the one theme ----

    /** The palette of every chart (series i takes colour i). */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f),
        new Color(0xbcbd22),
        new Color(0x17becf)
    };

    /** Colour i of the palette (cycling). */
    public static Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /**
     * An empty chart in ae4j's one theme: titled axes, white plot with a light grid, the palette, the legend in the
     * top right corner, readable fonts, tick labels with at most four decimals, and ticks spaced so their labels do
     * not run together. Every chart ae4j draws starts here.
     */
    public static XYChart chart(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        Styler st = chart.getStyler();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(Color.GRAY);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe6e6e6));
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setLegendBorderColor(new Color(0xcccccc));
        st.setSeriesColors(PALETTE);
        st.setAntiAlias(true);
        st.setMarkerSize(5);
        int small = width < 500 ? 11 : 13;
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, small + 2));
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, small));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, small - 1));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, small - 1));
        chart.getStyler().setXAxisTickMarkSpacingHint(Math.max(60, width / 10));
        chart.getStyler().setYAxisTickMarkSpacingHint(Math.max(40, height / 10));
        chart.getStyler().setYAxisDecimalPattern("#,##0.####");
        return chart;
    }

    /** Integer tick labels on the x axis when x holds whole numbers (epochs, indices), spaced to stay readable. */
    public static void integerTicks(XYChart chart, double[] x) {
        for (double v : x) if (Double.isFinite(v) && v != Math.rint(v)) return;
        chart.getStyler().setXAxisDecimalPattern("#,##0");
    }

    /** Colours a series by palette index, with circle markers (or none). */
    public static XYSeries style(XYSeries s, int colour, boolean markers) {
        s.setLineColor(color(colour));
        s.setMarkerColor(color(colour));
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        return s;
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
        s.setMarker(xs.size() > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        return true;
    }

    /** The loss chart as PNG bytes. */
    public static byte[] lossCurvePng(
            double[] epochs, double[] train, double[] validation, boolean logScale, int width, int height)
            throws IOException {
        return BitmapEncoder.getBitmapBytes(
                lossChart(epochs, train, validation, logScale, width, height), BitmapEncoder.BitmapFormat.PNG);
    }

    // ---- writing charts ----

    /**
     * Whether charts are also written as SVG (vector, for papers) beside their PNG: {@code ae4j run --svg}, the
     * system property {@code ae4j.svg=true} (e.g. {@code System.setProperty("ae4j.svg", "true")} in a notebook's
     * Java cell) or the environment variable {@code AE4J_SVG=1}.
     */
    public static boolean svgRequested() {
        String env = System.getenv("AE4J_SVG");
        return Boolean.getBoolean("ae4j.svg") || "1".equals(env) || "true".equalsIgnoreCase(env);
    }

    /** A chart as PNG bytes. */
    public static byte[] pngBytes(XYChart chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /** Writes a chart as PNG, atomically, and as SVG beside it ({@code NAME.svg}) when {@link #svgRequested}. */
    public static void write(Path png, XYChart chart) throws IOException {
        AtomicFile.write(png, pngBytes(chart));
        if (svgRequested()) {
            String name = png.getFileName().toString().replaceFirst("\\.png$", "") + ".svg";
            AtomicFile.write(
                    png.resolveSibling(name),
                    out -> VectorGraphicsEncoder.saveVectorGraphic(
                            chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        }
    }

    /** Writes the loss curve of {@code log}'s two columns (validation may be null or absent) as a PNG. */
    public static void lossCurve(
            Path png, MetricsLog log, String trainColumn, String validationColumn, boolean logScale)
            throws IOException {
        double[] val = validationColumn != null && log.columns().contains(validationColumn)
                ? log.series(validationColumn)
                : null;
        write(png, lossChart(log.epochs(), log.series(trainColumn), val, logScale, 800, 500));
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

    /**
     * A chart of several curves with markers, one colour each (e.g. precision against recall, one curve per
     * hashing method). Non-finite points are skipped, and so are points {@code <= 0} on a logarithmic axis.
     */
    public static XYChart curvesChart(
            String title, String xTitle, String yTitle, boolean logX, List<Curve> curves, int width, int height) {
        XYChart chart = chart(title, logX ? xTitle + " (log scale)" : xTitle, yTitle, width, height);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setMarkerSize(6);
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
            style(chart.addSeries(c.name(), xs, ys), i, true);
            any = true;
        }
        if (!any) throw new IllegalArgumentException("no points to plot" + (logX ? " (a log scale needs x > 0)" : ""));
        return chart;
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

    /**
     * {@link #imageGrid} (gap 2) with each row's name written to its left, e.g. "original", "corrupted",
     * "reconstruction"; white background, the grid unchanged at the right.
     */
    public static BufferedImage labelledGrid(List<float[]> rows, List<String> labels, int n, int h, int w, int scale) {
        if (labels.size() != rows.size())
            throw new IllegalArgumentException(rows.size() + " rows but " + labels.size() + " labels");
        BufferedImage grid = imageGrid(rows, n, h, w, scale, 2);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, Math.min(14, h * scale / 4)));
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D pg = probe.createGraphics();
        pg.setFont(font);
        int labelWidth = 0;
        for (String l : labels)
            labelWidth = Math.max(labelWidth, pg.getFontMetrics().stringWidth(l));
        pg.dispose();
        int left = labelWidth + 12;
        BufferedImage img = new BufferedImage(left + grid.getWidth(), grid.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(
                java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.drawImage(grid, left, 0, null);
        g.setColor(Color.DARK_GRAY);
        g.setFont(font);
        int cellH = h * scale;
        for (int r = 0; r < labels.size(); r++) {
            int y = 2 + r * (cellH + 2) + cellH / 2 + g.getFontMetrics().getAscent() / 2 - 2;
            g.drawString(labels.get(r), left - 6 - g.getFontMetrics().stringWidth(labels.get(r)), y);
        }
        g.dispose();
        return img;
    }

    /** Writes {@link #labelledGrid} to a PNG file, atomically. */
    public static void labelledGrid(Path png, List<float[]> rows, List<String> labels, int n, int h, int w, int scale)
            throws IOException {
        AtomicFile.write(png, png(labelledGrid(rows, labels, n, h, w, scale)));
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
