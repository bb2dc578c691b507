package ae4j.dsl.analysis;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.report.Pictures;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Forward;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Walking in code space (section 14.6: the code is a coordinate system on the learned manifold). {@code
 * interpolate(a, b, steps)} encodes examples a and b of the data, decodes the straight line between their codes
 * h(t) = (1 - t) f(x_a) + t f(x_b), and sets it beside the straight line between the inputs themselves. A
 * decoded path follows the data where the pixel path cuts across it; the analysis measures that as each path's
 * mean distance to the nearest example. It writes {@code interpolate.csv} and {@code interpolate.png}: for
 * images two rows (decoded codes above, the pixel blend below), for 2-D data both paths over the data.
 */
public final class Interpolation implements Analysis {

    /** The two paths: {@code steps} points each, row-major (steps x d), and their mean distance to the data. */
    public record Paths(
            int steps, int d, float[] decoded, float[] blended, double decodedToData, double blendedToData) {}

    /** The paths and their picture (null for data that are neither 2-D nor images). */
    public record Result(Paths paths, BufferedImage picture) {}

    /** The paths between rows {@code a} and {@code b} of the data. */
    public static Paths between(
            CompiledModel m, Lowering.Lowered ir, CheckedModel checked, Dataset data, int a, int b, int steps) {
        int d = data.dim();
        DecodePath decoder = DecodePath.of(m, ir, checked.decoder().layers().size());
        if (decoder == null) throw new IllegalArgumentException("model '" + checked.name() + "' has no decoder");
        int cw = decoder.codeWidth();
        float[] ends = new float[2 * d];
        data.row(a, ends, 0);
        data.row(b, ends, d);
        float[] h = Forward.values(m, ir.code(), ends, 2, d, cw);
        float[] codes = new float[steps * cw];
        float[] blended = new float[steps * d];
        for (int k = 0; k < steps; k++) {
            double t = steps == 1 ? 0 : (double) k / (steps - 1);
            for (int j = 0; j < cw; j++) codes[k * cw + j] = (float) ((1 - t) * h[j] + t * h[cw + j]);
            for (int j = 0; j < d; j++) blended[k * d + j] = (float) ((1 - t) * ends[j] + t * ends[d + j]);
        }
        float[] decoded = decoder.decode(codes, steps);
        DecoderDistribution dist = DecoderDistribution.of(ir.graph());
        if (dist != null && dist.node() == ir.reconstruction() && dist.kind() != DecoderDistribution.Kind.GAUSSIAN) {
            float[] mean = new float[decoded.length]; // the reconstruction is logits: show probabilities
            dist.mean(decoded, steps, d, mean);
            decoded = mean;
        }
        return new Paths(steps, d, decoded, blended, toData(decoded, steps, data), toData(blended, steps, data));
    }

    /** The mean over the path's points of the distance to the nearest example of the data. */
    static double toData(float[] path, int n, Dataset data) {
        int d = data.dim();
        float[] v = data.values();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int e = 0; e < data.size(); e++) {
                double s = 0;
                for (int j = 0; j < d && s < best; j++) {
                    double x = path[i * d + j] - v[e * d + j];
                    s += x * x;
                }
                best = Math.min(best, s);
            }
            sum += Math.sqrt(best);
        }
        return sum / n;
    }

    @Override
    public Map<String, Double> run(AnalysisContext ctx) throws IOException {
        Dataset data = ctx.data();
        String who = "interpolate " + ctx.checked().name() + " on " + data.name();
        int a = ctx.integer("a");
        int b = ctx.integer("b");
        int steps = ctx.integer("steps");
        if (a >= data.size() || b >= data.size()) {
            ctx.err()
                    .println(who + ": " + data.name() + " has " + data.size() + " examples, so a and b must be below "
                            + data.size() + " (got a: " + a + ", b: " + b + "); skipped");
            return Map.of();
        }
        Paths p = between(ctx.model(), ctx.ir(), ctx.checked(), data, a, b, steps);
        ctx.out()
                .printf(
                        Locale.ROOT,
                        "%s: examples %d and %d in %d steps; mean distance to the nearest example: decoded codes %.5f,"
                                + " blended inputs %.5f%n",
                        who,
                        a,
                        b,
                        steps,
                        p.decodedToData(),
                        p.blendedToData());
        StringBuilder csv = new StringBuilder("t,path");
        for (int j = 0; j < p.d(); j++) csv.append(",x").append(j + 1);
        csv.append('\n');
        for (String path : List.of("decoded", "blended")) {
            float[] v = path.equals("decoded") ? p.decoded() : p.blended();
            for (int k = 0; k < steps; k++) {
                csv.append(steps == 1 ? 0 : (double) k / (steps - 1))
                        .append(',')
                        .append(path);
                for (int j = 0; j < p.d(); j++) csv.append(',').append(v[k * p.d() + j]);
                csv.append('\n');
            }
        }
        AtomicFile.writeString(ctx.dir().resolve("interpolate.csv"), csv.toString());
        BufferedImage picture = picture(p, data, ctx.checked().name(), a, b);
        if (picture != null) AtomicFile.write(ctx.dir().resolve("interpolate.png"), Pictures.png(picture));
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("steps", (double) steps);
        result.put("decoded_to_data", p.decodedToData());
        result.put("blended_to_data", p.blendedToData());
        return result;
    }

    /** 2-D data: both paths over the data; images: decoded codes above, blended inputs below; else null. */
    public static BufferedImage picture(Paths p, Dataset data, String model, int a, int b) {
        if (p.d() == 2) {
            String title = String.format(
                    Locale.ROOT, "%s: from example %d to %d, in code space and in input space", model, a, b);
            try (Plane pl = new Plane(ScoreField.box(data), 800, title)) {
                pl.data(data);
                Color code = new Color(30, 80, 200);
                Color input = new Color(240, 150, 40);
                pl.g.setStroke(new BasicStroke(2f));
                float[][] paths = {p.blended(), p.decoded()};
                Color[] colors = {input, code};
                for (int k = 0; k < 2; k++) {
                    float[] xs = paths[k];
                    for (int t = 1; t < p.steps(); t++)
                        pl.line(xs[2 * t - 2], xs[2 * t - 1], xs[2 * t], xs[2 * t + 1], colors[k]);
                    pl.dots(xs, p.steps(), 6, colors[k]);
                }
                pl.dot(data.get(a, 0), data.get(a, 1), 9, Color.BLACK);
                pl.dot(data.get(b, 0), data.get(b, 1), 9, Color.BLACK);
                pl.legend(0, code, "decoded (1 - t) h_a + t h_b");
                pl.legend(1, input, "(1 - t) x_a + t x_b");
                pl.legend(2, Color.BLACK, "examples " + a + " and " + b);
                return pl.image;
            }
        }
        int[] image = data.imageShape();
        if (image == null) return null;
        return Pictures.labelledGrid(
                List.of(p.decoded(), p.blended()),
                List.of("decoded code", "blended pixels"),
                p.steps(),
                image[0],
                image[1],
                3);
    }
}
