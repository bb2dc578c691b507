package ae4j.dsl.run;

import ae4j.dsl.analysis.Analyses;
import ae4j.dsl.analysis.Analysis;
import ae4j.dsl.analysis.AnalysisContext;
import ae4j.dsl.analysis.FreeCodeComparison;
import ae4j.dsl.analysis.JacobianSpectrum;
import ae4j.dsl.analysis.ReconstructionError;
import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedProgram.Step;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.data.DataLoader;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.runtime.Forward;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code evaluate|analyze MODEL on DATA { ... }}: the objective, reconstruction grids and the chapter's analyses,
 * their files in OUT/MODEL; Jacobian spectra of several models are also drawn side by side in OUT.
 */
final class AnalyzeStep {

    private final Path outRoot;
    /** The Jacobian spectra measured so far ("model on data"), for the side-by-side picture. */
    private final Map<String, JacobianSpectrum.Result> spectra = new LinkedHashMap<>();

    /** The data set each model was last trained on in this program or session: pca_baseline fits PCA there. */
    private final Map<String, String> trainedOn = new LinkedHashMap<>();

    AnalyzeStep(Path outRoot) {
        this.outRoot = outRoot;
    }

    /** Notes that a model was trained on a data set (the default fit set of its PCA baseline). */
    void trained(String model, String data) {
        trainedOn.put(model, data);
    }

    /**
     * The analysis's arguments with the defaults that depend on the program: pca_baseline fits PCA on the data the
     * model was trained on (out-of-sample PCA against an out-of-sample autoencoder) unless {@code fit:} says where.
     */
    private Map<String, Object> arguments(CheckedModel.Call an, String model) {
        if (!an.name().equals("pca_baseline") || an.args().containsKey("fit") || !trainedOn.containsKey(model))
            return an.args();
        Map<String, Object> args = new LinkedHashMap<>(an.args());
        args.put("fit", trainedOn.get(model));
        return args;
    }

    /** Runs the analyses of one statement on a built model; problems in the user's data or arguments are {@link Runner.UserError}s. */
    void run(Step.Analyze a, BuiltModel l, DataLoader data, PrintStream out, PrintStream err) throws IOException {
        Dataset ds = data.get(a.data());
        if (ds.dim() != l.model().inputWidth()) {
            throw new Runner.UserError(a.verb() + " " + a.model() + " on " + a.data() + ": the data has " + ds.dim()
                    + " features per example but the model's input has "
                    + l.model().inputWidth());
        }
        for (CheckedModel.Call an : a.analyses()) {
            switch (an.name()) {
                case "loss", "reconstruction" -> {
                    if (an.name().equals("loss")) {
                        double loss = Forward.meanLoss(l.model(), ds.values(), ds.size(), ds.dim());
                        out.printf(
                                Locale.ROOT,
                                "%s %s on %s: loss %.5f (objective, no corruption)%n",
                                a.verb(),
                                a.model(),
                                a.data(),
                                loss);
                    } else { // the loss terms alone: a penalty (contractive, sparse) is not reconstruction error
                        ReconstructionError e = ReconstructionError.measure(
                                l.model(), l.ir().graph(), ds.values(), ds.size(), ds.dim());
                        out.printf(
                                Locale.ROOT,
                                "%s %s on %s: reconstruction %s%n",
                                a.verb(),
                                a.model(),
                                a.data(),
                                e.describe());
                    }
                    if (FreeCodeComparison.applies(l.ir())) { // PSD: the deployed f(x) and the inferred h*
                        out.println(a.verb() + " " + a.model() + " on " + a.data() + ": "
                                + FreeCodeComparison.measure(l.model(), l.ir(), ds.values(), ds.size(), ds.dim())
                                        .describe());
                    }
                    if (an.name().equals("reconstruction")) {
                        Path dir = outRoot.resolve(a.model());
                        Files.createDirectories(dir);
                        RunReports.reconstructions(l, ds, dir.resolve("reconstructions-" + a.data() + ".png"));
                    }
                }
                default -> {
                    Analysis impl = Analyses.get(an.name());
                    if (impl == null) { // the checker rejects analyses that are not built
                        throw new IllegalStateException("ae4j bug: the checker accepted the analysis '" + an.name()
                                + "', which has no implementation");
                    } else {
                        Path dir = outRoot.resolve(a.model());
                        Files.createDirectories(dir);
                        try {
                            var ctx = new AnalysisContext(
                                    an.name(),
                                    arguments(an, a.model()),
                                    l.model(),
                                    l.ir(),
                                    l.checked(),
                                    ds,
                                    dir,
                                    out,
                                    err,
                                    data::get);
                            if (impl instanceof JacobianSpectrum js) {
                                spectra.put(a.model() + " on " + a.data(), js.report(ctx));
                                if (spectra.size() >= 2) compareSpectra(out);
                            } else {
                                impl.run(ctx);
                            }
                        } catch (IllegalArgumentException e) {
                            // An analysis rejects arguments or data it cannot use: the user's to fix, no stack trace.
                            throw new Runner.UserError(
                                    a.verb() + " " + a.model() + " on " + a.data() + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
    }

    /** Every model's spectrum side by side, rewritten after each new one: OUT/jacobian-spectra.png and .csv. */
    private void compareSpectra(PrintStream out) throws IOException {
        Path png = outRoot.resolve("jacobian-spectra.png");
        ae4j.dsl.report.Pictures.write(png, JacobianSpectrum.comparisonChart(spectra));
        AtomicFile.writeString(outRoot.resolve("jacobian-spectra.csv"), JacobianSpectrum.comparisonCsv(spectra));
        out.println("jacobian_spectrum: " + String.join(", ", spectra.keySet()) + " side by side in " + png
                + " (and jacobian-spectra.csv)");
    }
}
