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
        this.x0 = box[0];
        this.x1 = box[1];
        this.y0 = box[2];
        this.y1 = box[3];
        int margin = 50;
        int top = 40;
        int pw = size - 2 * margin;
        int ph = size - margin - top;
        scale = Math.min(pw / (x1 - x0), ph / (y1 - y0));
        ox = margin + (pw - scale * (x1 - x0)) / 2;
        oy = top + (ph - scale * (y1 - y0)) / 2;
        image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
        g.setColor(Color.DARK_GRAY);
        double fx0 = px(x0), fx1 = px(x1), fy0 = py(y1), fy1 = py(y0);
        g.draw(new Rectangle2D.Double(fx0, fy0, fx1 - fx0, fy1 - fy0));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int t = 0; t <= 4; t++) {
            double xv = x0 + (x1 - x0) * t / 4;
            double yv = y0 + (y1 - y0) * t / 4;
            String xs = String.format(Locale.ROOT, "%.2f", xv);
            String ys = String.format(Locale.ROOT, "%.2f", yv);
            int xp = (int) px(xv);
            int yp = (int) py(yv);
            g.drawLine(xp, (int) fy1, xp, (int) fy1 + 4);
            g.drawString(xs, xp - g.getFontMetrics().stringWidth(xs) / 2, (int) fy1 + 18);
            g.drawLine((int) fx0 - 4, yp, (int) fx0, yp);
            g.drawString(ys, (int) fx0 - 6 - g.getFontMetrics().stringWidth(ys), yp + 4);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, margin, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
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
