package ae4j.kernel;

import ae4j.api.Data;
import ae4j.api.Model;
import ae4j.dsl.analysis.Interpolation;
import ae4j.dsl.analysis.JacobianSpectrum;
import ae4j.dsl.analysis.KnnEmbedding;
import ae4j.dsl.analysis.ManifoldParzen;
import ae4j.dsl.analysis.PcaBaseline;
import ae4j.dsl.analysis.Retrieval;
import ae4j.dsl.analysis.Sampling;
import ae4j.dsl.report.Pictures;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** How objects look in a notebook: models as HTML tables, images and charts as PNG, tables as HTML. */
final class Displays {

    private Displays() {}

    /** The display of a Java value (text is JShell's own rendering, used when nothing richer applies). */
    static DisplayData of(Object o, String text) {
        DisplayData d = new DisplayData(text == null ? String.valueOf(o) : text);
        switch (o) {
            case Model m -> {
                d.putText(m.toString());
                d.putHTML(m.html());
            }
            case Data data -> d.putText(data.toString());
            // ae4j.api values that draw themselves (a training History as its chart, a model Summary as HTML)
            case ae4j.api.Displayable x ->
                x.mimeBundle().forEach((type, content) -> d.putData(MIMEType.parse(type), content));
            case String s -> d.putText(s);
            case BufferedImage img -> {
                d.putText("image " + img.getWidth() + " x " + img.getHeight());
                d.putData(MIMEType.IMAGE_PNG, base64(Pictures.png(img)));
            }
            case Chart<?, ?> chart -> d.putData(MIMEType.IMAGE_PNG, base64(chartPng(chart)));
            case DisplayData dd -> {
                return dd;
            }
            case JacobianSpectrum.Result r -> {
                d.putText("jacobian spectrum " + r.numbers());
                d.putHTML(numbersTable(r.numbers()));
                try {
                    d.putData(
                            MIMEType.IMAGE_PNG, base64(JacobianSpectrum.comparisonPng(java.util.Map.of("encoder", r))));
                } catch (IOException e) {
                    // the table alone
                }
            }
            case PcaBaseline.Comparison c -> {
                java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
                m.put("k", (double) c.k());
                m.put("PCA error per example", c.pcaError());
                m.put("autoencoder error per example", c.aeError());
                m.put("ratio autoencoder / PCA", c.ratio());
                d.putText(m.toString());
                d.putHTML(numbersTable(m));
            }
            case Sampling.Result r -> {
                java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
                m.put("chains", (double) r.chains().n());
                m.put("samples", (double) r.chains().count());
                r.energy().forEach((k, v) -> m.put("energy distance: " + k.replace('_', ' '), v));
                d.putText("samples of p_decoder (" + r.decoder().words() + ") " + m);
                d.putHTML(numbersTable(m));
                if (r.picture() != null) d.putData(MIMEType.IMAGE_PNG, base64(Pictures.png(r.picture())));
            }
            case ManifoldParzen.Result r -> {
                d.putText("manifold Parzen windows " + r.numbers());
                d.putHTML(numbersTable(r.numbers()));
                if (r.picture() != null) d.putData(MIMEType.IMAGE_PNG, base64(Pictures.png(r.picture())));
            }
            case Interpolation.Result r -> {
                d.putText(String.format(
                        Locale.ROOT,
                        "interpolation in %d steps; mean distance to the data: decoded %.5f, blended %.5f",
                        r.paths().steps(),
                        r.paths().decodedToData(),
                        r.paths().blendedToData()));
                if (r.picture() != null) d.putData(MIMEType.IMAGE_PNG, base64(Pictures.png(r.picture())));
            }
            case Retrieval.Report r -> {
                d.putText(r.table());
                d.putHTML(csvTable(List.of(r.csv().split("\n")), 10));
                if (r.labelled()) {
                    try {
                        d.putData(MIMEType.IMAGE_PNG, base64(r.curvePng()));
                    } catch (IOException e) {
                        // the table alone
                    }
                }
            }
            case KnnEmbedding.Result r -> {
                d.putText(r.embedding().method() + " embedding of the " + r.k() + "-NN graph " + r.numbers());
                d.putHTML(numbersTable(r.numbers()));
                d.putData(MIMEType.IMAGE_PNG, base64(Pictures.png(r.picture())));
            }
            case float[] a -> d.putText(shortArray(a));
            case float[][] a -> d.putText(shortMatrix(a));
            case null, default -> {}
        }
        return d;
    }

    static String numbersTable(java.util.Map<String, Double> numbers) {
        StringBuilder b = new StringBuilder("<table>");
        numbers.forEach((k, v) -> b.append("<tr><th>")
                .append(esc(k))
                .append("</th><td>")
                .append(
                        v == Math.rint(v) && Math.abs(v) < 1e9
                                ? String.valueOf(v.longValue())
                                : String.format(Locale.ROOT, "%.5g", v))
                .append("</td></tr>"));
        return b.append("</table>").toString();
    }

    static byte[] chartPng(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A PNG or SVG file as display data (null for other files). */
    static DisplayData file(Path p) throws IOException {
        String name = p.getFileName().toString();
        DisplayData d = new DisplayData(name);
        if (name.endsWith(".png")) {
            d.putData(MIMEType.IMAGE_PNG, base64(Files.readAllBytes(p)));
        } else if (name.endsWith(".svg")) {
            d.putSVG(Files.readString(p, StandardCharsets.UTF_8));
        } else if (name.endsWith(".csv")) {
            d.putHTML(csvTable(Files.readAllLines(p, StandardCharsets.UTF_8), 30));
        } else {
            return null;
        }
        return d;
    }

    /**
     * Links to files a cell wrote, relative to the notebook's folder (so they open from the notebook and stay
     * valid in a saved one), with the paths as plain text too.
     */
    static DisplayData links(List<Path> files, Path notebookFolder) {
        StringBuilder html = new StringBuilder("<div style=\"font-size: smaller\">files: ");
        StringBuilder text = new StringBuilder("files:");
        Path base = notebookFolder.toAbsolutePath().normalize();
        for (int i = 0; i < files.size(); i++) {
            String rel = base.relativize(files.get(i).toAbsolutePath().normalize())
                    .toString()
                    .replace('\\', '/');
            if (i > 0) html.append(", ");
            html.append("<a href=\"")
                    .append(esc(rel))
                    .append("\" target=\"_blank\">")
                    .append(esc(rel))
                    .append("</a>");
            text.append(' ').append(rel);
        }
        DisplayData d = new DisplayData(text.toString());
        d.putHTML(html.append("</div>").toString());
        return d;
    }

    /** An HTML table of a CSV file's first rows (header row first). */
    static String csvTable(List<String> lines, int maxRows) {
        StringBuilder b = new StringBuilder("<table>");
        for (int i = 0; i < Math.min(lines.size(), maxRows + 1); i++) {
            String tag = i == 0 ? "th" : "td";
            b.append("<tr>");
            for (String cell : lines.get(i).split(",", -1))
                b.append('<')
                        .append(tag)
                        .append('>')
                        .append(esc(cell))
                        .append("</")
                        .append(tag)
                        .append('>');
            b.append("</tr>");
        }
        b.append("</table>");
        if (lines.size() > maxRows + 1)
            b.append(String.format(Locale.ROOT, "<div>(%d more rows)</div>", lines.size() - maxRows - 1));
        return b.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String shortArray(float[] a) {
        if (a.length <= 12) return "float[" + a.length + "] " + Arrays.toString(a);
        StringBuilder b = new StringBuilder("float[" + a.length + "] [");
        for (int i = 0; i < 6; i++) b.append(a[i]).append(", ");
        b.append("..., ");
        for (int i = a.length - 3; i < a.length; i++) b.append(a[i]).append(i + 1 < a.length ? ", " : "]");
        return b.toString();
    }

    static String shortMatrix(float[][] a) {
        StringBuilder b = new StringBuilder("float[" + a.length + "][" + (a.length > 0 ? a[0].length : 0) + "]");
        for (int i = 0; i < Math.min(a.length, 5); i++)
            b.append("\n  ").append(shortArray(a[i]).replaceFirst("^float\\[\\d+\\] ", ""));
        if (a.length > 5) b.append("\n  ...");
        return b.toString();
    }
}
