package ae4j.api;

import ae4j.dsl.report.Pictures;
import ae4j.dsl.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * What one training measured, epoch by epoch: the training loss (the mean over the epoch's examples, with
 * the weights as they were at each step), each unweighted term of the objective, the validation loss (NaN
 * without validation), examples per second. {@link #toString()} is a table; {@link #chart()} the loss curve
 * (XChart; a log scale when the losses span more than a factor of 50); in a notebook the history shows as
 * that chart.
 */
public final class History implements Displayable {

    /**
     * One epoch, {@code number} counted from 1: mean training loss, the objective's terms by name (empty
     * when the objective has one term), validation loss (NaN without validation), examples trained per
     * second over the epoch, and its wall time.
     */
    public record Epoch(
            int number,
            double trainLoss,
            Map<String, Double> terms,
            double validationLoss,
            double examplesPerSecond,
            double seconds) {
        public Epoch {
            terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
        }
    }

    private final String model;
    private final List<String> termNames;
    private final List<Epoch> epochs;

    History(String model, List<String> termNames, List<Epoch> epochs) {
        this.model = model;
        this.termNames = List.copyOf(termNames);
        this.epochs = List.copyOf(epochs);
    }

    /** The trained model's name. */
    public String model() {
        return model;
    }

    /** The epochs, in order. */
    public List<Epoch> epochs() {
        return epochs;
    }

    /** How many epochs ran. */
    public int size() {
        return epochs.size();
    }

    /** The names of the objective's terms (empty when it has one). */
    public List<String> termNames() {
        return termNames;
    }

    public double[] trainLoss() {
        return epochs.stream().mapToDouble(Epoch::trainLoss).toArray();
    }

    public double[] validationLoss() {
        return epochs.stream().mapToDouble(Epoch::validationLoss).toArray();
    }

    public double[] examplesPerSecond() {
        return epochs.stream().mapToDouble(Epoch::examplesPerSecond).toArray();
    }

    /** Term {@code name} per epoch. */
    public double[] term(String name) {
        if (!termNames.contains(name))
            throw new IllegalArgumentException("no term '" + name + "'; the terms are " + termNames);
        return epochs.stream().mapToDouble(e -> e.terms().get(name)).toArray();
    }

    private boolean hasValidation() {
        return epochs.stream().anyMatch(e -> !Double.isNaN(e.validationLoss()));
    }

    /** The loss curve: training (and validation) loss against the epoch, on a log scale for wide ranges. */
    public XYChart chart() {
        if (epochs.isEmpty()) throw new IllegalStateException("no epoch ran: nothing to chart");
        double[] x = epochs.stream().mapToDouble(Epoch::number).toArray();
        double[] train = trainLoss();
        double[] val = hasValidation() ? validationLoss() : null;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] s : val == null ? new double[][] {train} : new double[][] {train, val})
            for (double v : s)
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
        boolean log = lo > 0 && hi / lo > 50;
        XYChart c = Pictures.lossChart(x, train, val, log, 640, 400);
        c.setTitle(model + ": loss per epoch");
        return c;
    }

    /** The chart as PNG bytes. */
    public byte[] png() {
        try {
            return BitmapEncoder.getBitmapBytes(chart(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the loss chart: " + e.getMessage(), e);
        }
    }

    private List<String> columns() {
        List<String> h = new ArrayList<>(List.of("epoch", "train loss"));
        h.addAll(termNames);
        if (hasValidation()) h.add("validation loss");
        h.add("examples/s");
        return h;
    }

    private List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (Epoch e : epochs) {
            List<String> r = new ArrayList<>();
            r.add(Integer.toString(e.number()));
            r.add(String.format(Locale.ROOT, "%.5f", e.trainLoss()));
            for (String t : termNames)
                r.add(String.format(Locale.ROOT, "%.5g", e.terms().get(t)));
            if (hasValidation()) r.add(String.format(Locale.ROOT, "%.5f", e.validationLoss()));
            r.add(String.format(Locale.ROOT, "%,.0f", e.examplesPerSecond()));
            rows.add(r);
        }
        return rows;
    }

    /** A table: one row per epoch. */
    @Override
    public String toString() {
        return "training history of " + model + " (" + epochs.size() + (epochs.size() == 1 ? " epoch" : " epochs")
                + ")\n" + Summary.table(columns(), rows());
    }

    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/plain", toString());
        if (!epochs.isEmpty()) m.put("image/png", Base64.getEncoder().encodeToString(png()));
        return m;
    }

    /** Collects a history from a trainer's events, passing each to {@code callback} (may be null). */
    static final class Recorder implements TrainingListener {
        private final String model;
        private final String[] termNames;
        private final TrainingCallback callback;
        private final List<History.Epoch> epochs = new ArrayList<>();

        Recorder(String model, String[] termNames, TrainingCallback callback) {
            this.model = model;
            this.termNames = termNames;
            this.callback = callback;
        }

        @Override
        public void onStep(Progress p) {
            if (callback != null) callback.onBatch(p.step(), p.loss());
        }

        @Override
        public void onEpoch(TrainingListener.Epoch e) {
            Map<String, Double> terms = new LinkedHashMap<>();
            if (e.terms() != null && e.terms().length > 1)
                for (int k = 0; k < e.terms().length; k++)
                    terms.put(k < termNames.length ? termNames[k] : "t" + (k + 1), e.terms()[k]);
            History.Epoch ep = new History.Epoch(
                    e.epoch() + 1, e.trainLoss(), terms, e.validationLoss(), e.examplesPerSecond(), e.seconds());
            epochs.add(ep);
            if (callback != null) callback.onEpoch(ep);
        }

        History history() {
            List<String> names = new ArrayList<>();
            if (!epochs.isEmpty()) names.addAll(epochs.get(0).terms().keySet());
            return new History(model, names, epochs);
        }
    }
}
