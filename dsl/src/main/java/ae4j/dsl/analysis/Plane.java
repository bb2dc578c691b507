package ae4j.dsl.analysis;

import ae4j.dsl.data.Dataset;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A picture of the plane for 2-D data: a white square image with a framed box [x0, x1] x [y0, y1] at equal
 * aspect (so directions are true), tick labels, a title, and helpers to draw points and lines in data
 * coordinates. The score field, the sampling chains and the interpolation paths are drawn on one.
 */
final class Plane implements AutoCloseable {

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    final BufferedImage image;
    final Graphics2D g;
    final double x0, x1, y0, y1;
    /** Pixels per data unit. */
    final double scale;

    private final double ox, oy;

    Plane(double[] box, int size, String title) {
        this(box, size, title, "x1", "x2");
    }

    /**
     * A plane {@code width} pixels wide; the height follows the box's aspect (at most 1.25 times the width, and
     * no taller than needed), so a wide box leaves no empty band. Ticks at round values, the axes titled.
     */
    Plane(double[] box, int width, String title, String xTitle, String yTitle) {
        this.x0 = box[0];
        this.x1 = box[1];
        this.y0 = box[2];
        this.y1 = box[3];
        int left = 70, right = 20, top = 40, bottom = 55;
        int pw = width - left - right;
        double s = pw / (x1 - x0);
        if (s * (y1 - y0) > 1.25 * pw) s = 1.25 * pw / (y1 - y0);
        scale = s;
        int ph = (int) Math.ceil(scale * (y1 - y0));
        int height = top + ph + bottom;
        ox = left + (pw - scale * (x1 - x0)) / 2;
        oy = top;
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        double fx0 = px(x0), fx1 = px(x1), fy0 = py(y1), fy1 = py(y0);
        g.draw(new Rectangle2D.Double(fx0, fy0, fx1 - fx0, fy1 - fy0));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        double xs = roundStep((x1 - x0) / 5), ys = roundStep((y1 - y0) / 5);
        for (double xv = Math.ceil(x0 / xs) * xs; xv <= x1 + 1e-9 * xs; xv += xs) {
            String t = tick(xv, xs);
            int xp = (int) Math.round(px(xv));
            g.drawLine(xp, (int) fy1, xp, (int) fy1 + 4);
            g.drawString(t, xp - g.getFontMetrics().stringWidth(t) / 2, (int) fy1 + 18);
        }
        for (double yv = Math.ceil(y0 / ys) * ys; yv <= y1 + 1e-9 * ys; yv += ys) {
            String t = tick(yv, ys);
            int yp = (int) Math.round(py(yv));
            g.drawLine((int) fx0 - 4, yp, (int) fx0, yp);
            g.drawString(t, (int) fx0 - 6 - g.getFontMetrics().stringWidth(t), yp + 4);
        }
        g.drawString(xTitle, (int) ((fx0 + fx1) / 2 - g.getFontMetrics().stringWidth(xTitle) / 2.0), (int) fy1 + 38);
        var saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yTitle, (int) (-(fy0 + fy1) / 2 - g.getFontMetrics().stringWidth(yTitle) / 2.0), 16);
        g.setTransform(saved);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left - 50, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }

    /** 1, 2 or 5 times a power of ten, the first at least {@code raw}. */
    static double roundStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) if (m * p >= raw * (1 - 1e-12)) return m * p;
        return 10 * p;
    }

    /** A tick label with as many decimals as the step needs ("0.5", "-1", "0.25"). */
    static String tick(double v, double step) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        if (Math.abs(v) < step * 1e-9) v = 0;
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** The pixel column of data coordinate x. */
    double px(double x) {
        return ox + (x - x0) * scale;
    }

    /** The pixel row of data coordinate y (up is up). */
    double py(double y) {
        return oy + (y1 - y) * scale;
    }

    /** A filled dot of the given pixel diameter at (x, y). */
    void dot(double x, double y, double diameter, Color c) {
        g.setColor(c);
        g.fill(new Ellipse2D.Double(px(x) - diameter / 2, py(y) - diameter / 2, diameter, diameter));
    }

    /** The n points of a row-major n x 2 array as dots. */
    void dots(float[] xy, int n, double diameter, Color c) {
        for (int i = 0; i < n; i++) dot(xy[2 * i], xy[2 * i + 1], diameter, c);
    }

    /** The examples of a 2-D data set as small gray dots. */
    void data(Dataset data) {
        dots(data.values(), data.size(), 3, new Color(150, 150, 150));
    }

    /** A segment between two points in data coordinates. */
    void line(double xa, double ya, double xb, double yb, Color c) {
        g.setColor(c);
        g.draw(new Line2D.Double(px(xa), py(ya), px(xb), py(yb)));
    }

    /** A legend entry (a dot and a label) in the top right corner, one per row. */
    void legend(int row, Color c, String label) {
        int x = image.getWidth() - 240;
        int y = 52 + 18 * row;
        g.setColor(c);
        g.fill(new Ellipse2D.Double(x, y - 8, 8, 8));
        g.setColor(Color.DARK_GRAY);
        g.drawString(label, x + 14, y);
    }

    @Override
    public void close() {
        g.dispose();
    }
}
