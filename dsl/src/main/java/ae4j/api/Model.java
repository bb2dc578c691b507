package ae4j.api;

import ae4j.dsl.analysis.Codes;
import ae4j.dsl.analysis.DecodePath;
import ae4j.dsl.analysis.EncoderJacobian;
import ae4j.dsl.analysis.Interpolation;
import ae4j.dsl.analysis.JacobianSpectrum;
import ae4j.dsl.analysis.KnnEmbedding;
import ae4j.dsl.analysis.ManifoldParzen;
import ae4j.dsl.analysis.PcaBaseline;
import ae4j.dsl.analysis.ReconstructionError;
import ae4j.dsl.analysis.Retrieval;
import ae4j.dsl.analysis.Sampling;
import ae4j.dsl.analysis.ScoreField;
import ae4j.dsl.analysis.Tangents;
import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.Nonlinearity;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.io.ModelFile;
import ae4j.dsl.run.Session;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Forward;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * A model declared in ae4j's language, as Java code sees it (in JShell or a notebook's Java cells): encode
 * and reconstruct examples, evaluate the objective, train, save and load. The model is compiled on first
 * use and keeps its weights; training it again continues from them.
 *
 * <pre>{@code
 * Model dae = Ae4j.model("dae");
 * float[][] h = dae.encode(Ae4j.data("test").rows(0, 10));
 * }</pre>
 */
public final class Model {

    private final Session session;
    private final String name;

    Model(Session session, String name) {
        this.session = session;
        this.name = name;
    }

    public String name() {
        return name;
    }

    private BuiltModel loaded() {
        return session.model(name);
    }

    private CheckedModel declaration() {
        CheckedModel m = session.checkedModel(name);
        if (m == null) throw new IllegalStateException("model '" + name + "' is no longer declared");
        return m;
    }

    /** Features per example. */
    public int inputWidth() {
        return declaration().input().size();
    }

    /** Units of the code h = f(x). */
    public int codeWidth() {
        return declaration().code().size();
    }

    /** Trainable numbers (weights and biases). */
    public long parameterCount() {
        long n = 0;
        for (CompiledModel.ParamInfo p : loaded().model().paramInfo()) n += (long) p.rows() * p.cols();
        return n;
    }

    /**
     * The code h = f(x) of each row (no corruption or noise; for a free code, the encoder's prediction), through
     * the model class's encode path (each layer's activation fused into its GEMM).
     */
    public float[][] encode(float[][] x) {
        BuiltModel l = loaded();
        if (l.ir().code() < 0) throw new IllegalStateException("model '" + name + "' has no code layer to read");
        return forward(x, l.ir().code());
    }

    /** The code of one example. */
    public float[] encode(float[] x) {
        return encode(new float[][] {x})[0];
    }

    /** The codes of every example of a data set. */
    public float[][] encode(Data data) {
        return encode(data.rows(0, data.size()));
    }

    /** The reconstruction r(x) = g(f(x)) of each row (the decoder's mean; no corruption). */
    public float[][] reconstruct(float[][] x) {
        BuiltModel l = loaded();
        if (l.ir().reconstruction() < 0)
            throw new IllegalStateException("model '" + name + "' has no reconstruction to read");
        return forward(x, l.ir().reconstruction());
    }

    /** The reconstruction of one example. */
    public float[] reconstruct(float[] x) {
        return reconstruct(new float[][] {x})[0];
    }

    /**
     * The decoder's output g(h) for each code h (codeWidth values a row): any code, not only one the encoder gave;
     * {@code decode(encode(x))} is {@code reconstruct(x)}.
     */
    public float[][] decode(float[][] h) {
        BuiltModel l = loaded();
        DecodePath path = DecodePath.of(
                l.model(), l.ir(), declaration().decoder().layers().size());
        if (path == null) throw new IllegalStateException("model '" + name + "' has no decoder");
        int k = path.codeWidth();
        float[] flat = new float[h.length * k];
        for (int i = 0; i < h.length; i++) {
            if (h[i].length != k)
                throw new IllegalArgumentException(
                        "row " + i + " has " + h[i].length + " values; model '" + name + "' has codes of " + k);
            System.arraycopy(h[i], 0, flat, i * k, k);
        }
        float[] r = path.decode(flat, h.length);
        int w = r.length / Math.max(1, h.length);
        float[][] out = new float[h.length][w];
        for (int i = 0; i < h.length; i++) System.arraycopy(r, i * w, out[i], 0, w);
        return out;
    }

    /** The decoder's output for one code. */
    public float[] decode(float[] h) {
        return decode(new float[][] {h})[0];
    }

    /** The objective's mean over a data set (no corruption), as {@code evaluate ... { loss }} reports it. */
    public double loss(Data data) {
        check(data.dim());
        return Forward.meanLoss(
                loaded().model(),
                data.dataset().values(),
                data.dataset().size(),
                data.dataset().dim());
    }

    /**
     * The reconstruction error over a data set: the objective's loss terms (mse, bernoulli_nll, ...) without its
     * penalties (contractive, sparsity, weight decay), no corruption, as {@code evaluate ... { reconstruction }}
     * reports it; the same as {@link #loss} for a model without penalties. Models with different penalties
     * compare by this.
     */
    public double reconstructionError(Data data) {
        check(data.dim());
        BuiltModel l = loaded();
        return ReconstructionError.measure(
                        l.model(),
                        l.ir().graph(),
                        data.dataset().values(),
                        data.dataset().size(),
                        data.dataset().dim())
                .reconstruction();
    }

    /**
     * Trains on a data set with the options of a train statement, e.g. {@code "epochs: 2, batch: 128"}
     * (the same as the cell {@code train NAME on DATA { options }}).
     */
    public History train(Data data, String options) {
        return train(data, options, null);
    }

    /**
     * {@link #train(Data, String)}, telling {@code callback} (may be null) about each batch and epoch.
     *
     * @return what the training measured, epoch by epoch
     */
    public History train(Data data, String options, TrainingCallback callback) {
        if (data.session() != session)
            throw new IllegalArgumentException(
                    "data " + data.name() + " belongs to another session than model " + name);
        History.Recorder[] recorder = new History.Recorder[1];
        ae4j.dsl.run.Runner.Hooks observer = new ae4j.dsl.run.Runner.Hooks() {
            @Override
            public ae4j.dsl.train.TrainingListener listener(String model, String[] termNames, java.io.PrintStream err) {
                if (!model.equals(name)) return new ae4j.dsl.train.TrainingListener() {}; // a pretraining level
                recorder[0] = new History.Recorder(name, termNames, callback);
                return recorder[0];
            }
        };
        Ae4j.evalOrThrow(session, "train " + name + " on " + data.name() + " { " + options + " }", observer);
        return recorder[0] == null
                ? new History(name, java.util.List.of(), java.util.List.of())
                : recorder[0].history();
    }

    // ------------------------------------------------------------------ analyses (sections 14.5.1, 14.7, 14.9)

    /**
     * The score estimate (r(x) - x) / sigma^2 of grad log p(x) at each row (section 14.5.1), with sigma the
     * model's gaussian corruption.
     */
    public float[][] score(float[][] x) {
        Double sigma = ScoreField.gaussianSigma(declaration());
        if (sigma == null) {
            throw new IllegalStateException(
                    "model '" + name + "' has no gaussian corruption: the score estimate (r(x) - x) / sigma^2 "
                            + "needs a denoising autoencoder trained with corrupt x~ = gaussian(x, sigma: ...)");
        }
        return score(x, sigma);
    }

    /** The score estimate with an explicit sigma. */
    public float[][] score(float[][] x, double sigma) {
        BuiltModel l = loaded();
        int d = inputWidth();
        ScoreField.Field f = ScoreField.at(l.model(), reconstructionNode(l), sigma, flatten(x, d), x.length, d);
        float[][] out = new float[x.length][d];
        for (int i = 0; i < x.length; i++) System.arraycopy(f.scores(), i * d, out[i], 0, d);
        return out;
    }

    /** The exact encoder Jacobian df/dx at x: codeWidth rows of inputWidth (section 14.7). */
    public double[][] jacobian(float[] x) {
        check(x.length);
        EncoderJacobian.Batch b = encoderJacobian().at(x, 1);
        double[][] j = new double[b.codeWidth()][b.inputWidth()];
        for (int r = 0; r < b.codeWidth(); r++)
            System.arraycopy(b.jacobians()[0], r * b.inputWidth(), j[r], 0, b.inputWidth());
        return j;
    }

    /**
     * The singular values of the encoder Jacobian at {@code samples} examples of the data: their mean
     * spectrum, the fraction below 1, the mean Frobenius norm and the fraction of saturated units (14.7).
     */
    public JacobianSpectrum.Result spectrum(Data data, int samples) {
        check(data.dim());
        return JacobianSpectrum.measure(encoderJacobian(), data.dataset(), samples);
    }

    /** The k leading right singular vectors of the encoder Jacobian (tangent directions) at a few examples. */
    public Tangents.Result tangents(Data data, int k, int samples) {
        check(data.dim());
        return Tangents.measure(encoderJacobian(), data.dataset(), k, samples);
    }

    /**
     * Reconstruction error of PCA-k (fitted on {@code fit}) against this model on {@code test}, per example
     * (section 14.9; Hinton and Salakhutdinov 2006).
     */
    public PcaBaseline.Comparison versusPca(Data fit, Data test, int k) {
        check(test.dim());
        check(fit.dim());
        BuiltModel l = loaded();
        return PcaBaseline.compare(
                l.model(),
                reconstructionNode(l),
                fit.dataset().values(),
                fit.size(),
                test.dataset().values(),
                test.size(),
                test.dim(),
                k);
    }

    /**
     * Manifold Parzen windows (section 14.6, figure 14.9) fitted on {@code fit} (every 5th example held aside
     * to choose sigma) with local PCA of k neighbours and d directions, against an isotropic Parzen window:
     * the mean log-likelihood of {@code test} per example under both, and for 2-D data a picture. The
     * estimate is of the data, not of this model; it sits here beside the model's own analyses.
     */
    public ManifoldParzen.Result manifoldParzen(Data fit, Data test, int k, int d) {
        check(test.dim());
        check(fit.dim());
        return ManifoldParzen.compare(fit.dataset(), test.dataset(), k, d);
    }

    /**
     * Runs {@code n} chains of the model as a generative model (sections 14.4, 14.5): x -> corrupt -> encode ->
     * a draw of p_decoder(x | h), {@code steps} times from noise over the data's range (or from examples of the
     * data), keeping every {@code thin}-th state of the second half. The result holds the samples, their energy
     * distance to the data next to baselines, and a picture (shown in a notebook).
     */
    public Sampling.Result sample(Data data, int n, int steps, int thin, boolean fromData, long seed) {
        check(data.dim());
        BuiltModel l = loaded();
        return Sampling.sample(
                l.model(),
                l.ir(),
                name,
                data.dataset(),
                new Sampling.Options(n, steps, steps / 2, thin, fromData, seed));
    }

    /** 16 chains of 100 steps from noise, every 10th state of the second half kept. */
    public Sampling.Result sample(Data data) {
        return sample(data, 16, 100, 10, false, 0);
    }

    /**
     * A draw of the code of each row from p_encoder(h | x): with the model's noise before the code (semantic
     * hashing, section 14.9) each {@code draw} gives another code; without noise, f(x).
     */
    public float[][] sampleCodes(float[][] x, long seed, long draw) {
        BuiltModel l = loaded();
        int d = inputWidth();
        float[] flat = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d)
                throw new IllegalArgumentException(
                        "row " + i + " has " + x[i].length + " values, the model takes " + d);
            System.arraycopy(x[i], 0, flat, i * d, d);
        }
        float[] h = Sampling.codes(l.model(), l.ir(), flat, x.length, seed, draw);
        int w = h.length / Math.max(1, x.length);
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) out[i] = java.util.Arrays.copyOfRange(h, i * w, (i + 1) * w);
        return out;
    }

    /**
     * Decodes the straight line between the codes of examples {@code a} and {@code b} of the data in {@code steps}
     * points, beside the straight line between the examples themselves (a picture, shown in a notebook).
     */
    public Interpolation.Result interpolate(Data data, int a, int b, int steps) {
        check(data.dim());
        if (a < 0 || b < 0 || a >= data.size() || b >= data.size())
            throw new IllegalArgumentException(
                    "a and b must be examples of " + data.name() + " (0 to " + (data.size() - 1) + ")");
        if (steps < 2) throw new IllegalArgumentException("steps must be at least 2, got " + steps);
        BuiltModel l = loaded();
        Interpolation.Paths p = Interpolation.between(l.model(), l.ir(), declaration(), data.dataset(), a, b, steps);
        return new Interpolation.Result(p, Interpolation.picture(p, data.dataset(), name, a, b));
    }

    /**
     * Semantic hashing (section 14.9), as {@code analyze ... { retrieval(bits, radius, k) }} measures it: the first
     * {@code bits} code units of every example of {@code data}, binarised at 0.5, in a hash table; up to 2,000
     * examples queried against the others by Hamming balls of radius 0..{@code radius} and by their k nearest;
     * against random-hyperplane LSH (seed 0) and PCA-sign at the same bits, fitted on {@code data}. The report has
     * the figures of each method, its {@code table()}, {@code csv()} and {@code curvePng()}.
     */
    public Retrieval.Report retrieval(Data data, int bits, int radius, int k) {
        return retrieval(data, data, bits, radius, k, 0);
    }

    /** {@link #retrieval(Data, int, int, int)} with the baselines fitted on {@code fit} and LSH drawn from {@code seed}. */
    public Retrieval.Report retrieval(Data data, Data fit, int bits, int radius, int k, long seed) {
        check(data.dim());
        check(fit.dim());
        BuiltModel l = loaded();
        if (l.ir().code() < 0) throw new IllegalStateException("model '" + name + "' has no code layer to hash");
        float[] h = Codes.compute(l.model(), l.ir().code(), codeWidth(), data.dataset());
        return Retrieval.measure(name, h, codeWidth(), data.dataset(), fit.dataset(), bits, radius, k, seed);
    }

    /**
     * The k-nearest-neighbour graph of the data (its inputs, or with {@code codes} this model's codes of them)
     * and its spectral embedding in {@code dims} coordinates, {@code method} "isomap" or "laplacian", on at
     * most 1,000 evenly spaced examples (section 14.6, figure 14.8). The result holds the coordinates, their
     * rank correlations with the data's known intrinsic coordinates, and a picture (shown in a notebook).
     */
    public KnnEmbedding.Result knnEmbedding(Data data, int k, int dims, String method, boolean codes) {
        check(data.dim());
        float[] points = data.dataset().values();
        int width = data.dim();
        if (codes) {
            BuiltModel l = loaded();
            if (l.ir().code() < 0) throw new IllegalStateException("model '" + name + "' has no code layer");
            width = codeWidth();
            points = Codes.compute(l.model(), l.ir().code(), width, data.dataset());
        }
        String title = (method.equals("isomap") ? "Isomap" : "Laplacian eigenmap") + " of the " + k + "-NN graph of "
                + data.name() + (codes ? " (codes of " + name + ")" : " (inputs)");
        return KnnEmbedding.embed(data.dataset(), points, width, k, dims, method, 1000, title);
    }

    /**
     * Runs analyses as an {@code analyze} statement would, e.g. {@code analyze(test, "score_field(grid: 20)")}:
     * they print their numbers and write their pictures (in a notebook, shown under the cell).
     */
    public void analyze(Data data, String analyses) {
        Ae4j.evalOrThrow(session, "analyze " + name + " on " + data.name() + " { " + analyses + " }");
    }

    private EncoderJacobian encoderJacobian() {
        BuiltModel l = loaded();
        if (l.ir().code() < 0) throw new IllegalStateException("model '" + name + "' has no code layer");
        return new EncoderJacobian(l.model(), l.ir().graph(), l.ir().code());
    }

    private int reconstructionNode(BuiltModel l) {
        if (l.ir().reconstruction() < 0) throw new IllegalStateException("model '" + name + "' has no reconstruction");
        return l.ir().reconstruction();
    }

    private float[] flatten(float[][] x, int d) {
        float[] flat = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            check(x[i].length);
            System.arraycopy(x[i], 0, flat, i * d, d);
        }
        return flat;
    }

    /** Writes the weights to a safetensors file (relative paths start at the working folder). */
    public void save(String path) {
        try {
            ModelFile.save(
                    session.workDir().resolve(path), loaded().model(), session.declarations(), Map.of(), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + name + " to " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads weights saved by {@link #save} or {@code ae4j run}. */
    public void load(String path) {
        try {
            ModelFile.load(session.workDir().resolve(path), loaded().model());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + name + " from " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The layers as a table (part, layer, activation, parameters), the objective and the parameter count;
     * JShell prints it as the table, a notebook shows it as HTML.
     */
    public Summary summary() {
        java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
        for (String[] row : layerRows()) rows.add(java.util.List.of(row));
        return new Summary(
                "model " + name,
                java.util.List.of("part", "layer", "activation", "parameters"),
                rows,
                java.util.List.of(
                        "objective: " + objective(), String.format(Locale.ROOT, "%,d parameters", parameterCount())),
                html());
    }

    /** An HTML table of the layers and the objective (how a notebook shows a model). */
    public String html() {
        StringBuilder b = new StringBuilder("<div class=\"ae4j-model\"><b>model ")
                .append(esc(name))
                .append("</b> ");
        b.append(String.format(Locale.ROOT, "(%,d parameters)", parameterCount()));
        b.append(
                "<table><thead><tr><th>part</th><th>layer</th><th>activation</th><th>parameters</th></tr></thead><tbody>");
        for (String[] row : layerRows()) {
            b.append("<tr>");
            for (String c : row) b.append("<td>").append(esc(c)).append("</td>");
            b.append("</tr>");
        }
        b.append("</tbody></table><div>minimize <code>")
                .append(esc(objective()))
                .append("</code></div></div>");
        return b.toString();
    }

    private String[][] layerRows() {
        CheckedModel m = declaration();
        var rows = new java.util.ArrayList<String[]>();
        rows.add(new String[] {"input", m.input().name() + m.input().dims(), "", ""});
        for (CheckedModel.LayerInfo li : m.encoder().layers())
            rows.add(layerRow(m.encoder().name(), li, false));
        for (CheckedModel.LayerInfo li : m.decoder().layers())
            rows.add(layerRow(m.decoder().name(), li, m.decoder().tied()));
        return rows.toArray(String[][]::new);
    }

    private static String[] layerRow(String part, CheckedModel.LayerInfo li, boolean tied) {
        long params = (tied ? 0L : (long) li.in() * li.out()) + li.out();
        return new String[] {
            part,
            li.kind() + " " + li.in() + " -> " + li.out(),
            li.activation() == null ? "linear" : li.activation().word(),
            String.format(Locale.ROOT, "%,d", params) + (tied ? " (tied)" : "")
        };
    }

    private String objective() {
        String o = declaration().origin("minimize");
        if (o == null) return declaration().objective().toString();
        int colon = o.indexOf(": ");
        String text = colon >= 0 && o.startsWith("line ") ? o.substring(colon + 2) : o;
        return text.startsWith("minimize ") ? text.substring("minimize ".length()) : text;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private void check(int width) {
        if (width != inputWidth()) {
            throw new IllegalArgumentException(
                    "model '" + name + "' takes " + inputWidth() + " features per example, not " + width);
        }
    }

    private float[][] forward(float[][] x, int node) {
        BuiltModel l = loaded();
        int d = inputWidth();
        int width = l.ir().graph().width(node);
        float[] flat = Forward.values(l.model(), node, flatten(x, d), x.length, d, width);
        float[][] out = new float[x.length][width];
        for (int r = 0; r < x.length; r++) System.arraycopy(flat, r * width, out[r], 0, width);
        return out;
    }

    @Override
    public String toString() {
        CheckedModel m = session.checkedModel(name);
        if (m == null) return "model " + name + " (no longer declared)";
        StringBuilder b = new StringBuilder("model ")
                .append(name)
                .append(": ")
                .append(m.input().size());
        for (CheckedModel.LayerInfo li : m.encoder().layers())
            b.append(" -> ").append(li.out()).append(act(li));
        b.append(" |");
        for (CheckedModel.LayerInfo li : m.decoder().layers())
            b.append(" -> ").append(li.out()).append(act(li));
        if (m.decoder().tied()) b.append(" (tied)");
        return b.append("; minimize ").append(objective()).toString();
    }

    private static String act(CheckedModel.LayerInfo li) {
        return li.activation() == null || li.activation() == Nonlinearity.IDENTITY ? "" : " " + li.activation();
    }
}
