package ae4j.dsl.run;

import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.report.MetricsLog;
import ae4j.dsl.report.Pictures;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The files a run writes besides the model: loss history, reconstruction grids, CSV exports. */
final class RunReports {

    private RunReports() {}

    /** metrics.csv, metrics.json and loss.png of one train statement, in {@code dir}. */
    static void lossHistory(Path dir, Trainer.Result res) throws IOException {
        MetricsLog log = new MetricsLog();
        for (int e = 0; e < res.trainLoss().size(); e++) {
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("train_loss", res.trainLoss().get(e));
            if (!Double.isNaN(res.validationLoss().get(e)))
                row.put("validation_loss", res.validationLoss().get(e));
            log.add(e + 1, row);
        }
        log.write(dir);
        double[] val = log.columns().contains("validation_loss") ? log.series("validation_loss") : null;
        boolean logScale = Pictures.logScaleFits(log.series("train_loss"), val);
        Pictures.lossCurve(dir.resolve("loss.png"), log, "train_loss", "validation_loss", logScale);
    }

    /**
     * Originals, corrupted inputs and reconstructions of the first 8 examples, for image-shaped data. A model with a
     * free code (14.8) shows the reconstruction from the encoder's code f(x) (the model as deployed), then a last
     * row from the inferred code h*.
     */
    static void reconstructions(BuiltModel l, Dataset ds, Path png) throws IOException {
        int[] image = ds.imageShape();
        if (image == null) return; // not an image: no grid
        int h = image[0];
        int w = image[1];
        int n = Math.min(8, Math.min(ds.size(), l.model().maxBatch()));
        if (l.ir().reconstruction() < 0) return;
        float[] x = new float[n * ds.dim()];
        ds.batch(0, n, x);
        l.model().loss(x, n, 12345, 0, true);
        List<float[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        rows.add(x);
        labels.add("original x");
        if (l.ir().corrupted() >= 0) {
            rows.add(Arrays.copyOf(l.model().value(l.ir().corrupted()), n * ds.dim()));
            labels.add("corrupted x~");
        }
        float[] fromCode = Arrays.copyOf(l.model().value(l.ir().reconstruction()), n * ds.dim());
        boolean free = l.ir().graph().freeCode() != null;
        if (free) {
            l.model().encode(x, n, l.ir().reconstruction());
            rows.add(Arrays.copyOf(l.model().value(l.ir().reconstruction()), n * ds.dim()));
            labels.add("g(f(x))");
        }
        rows.add(fromCode);
        labels.add(free ? "g(h*)" : l.ir().corrupted() >= 0 ? "g(f(x~))" : "g(f(x))");
        Pictures.labelledGrid(png, rows, labels, n, h, w, 3);
    }

    /** Every parameter as CSV: a "# name rows x cols" line, then its rows. */
    static void exportCsv(CompiledModel m, Path path) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < m.params().length; i++) {
            CompiledModel.ParamInfo info = m.paramInfo().get(i);
            float[] p = m.params()[i];
            b.append("# ")
                    .append(info.name())
                    .append(' ')
                    .append(info.rows())
                    .append(" x ")
                    .append(info.cols())
                    .append('\n');
            for (int r = 0; r < info.rows(); r++) {
                for (int c = 0; c < info.cols(); c++) {
                    if (c > 0) b.append(',');
                    b.append(p[r * info.cols() + c]);
                }
                b.append('\n');
            }
        }
        AtomicFile.writeString(path, b.toString());
    }
}
