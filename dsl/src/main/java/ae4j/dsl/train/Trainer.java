package ae4j.dsl.train;

import ae4j.dsl.io.Checkpoint;
import ae4j.dsl.io.ModelMismatchException;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Norms;
import ae4j.vecmath.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Minibatch training of a compiled model: a shuffled order every epoch, fresh corruption noise every step
 * (the step number addresses the Philox stream), gradient clipping, the optimizer and learning-rate
 * schedule, an optional validation split with early stopping (the best weights are restored), divergence
 * detection, and cooperative cancellation.
 *
 * <p>Deterministic: the same seed gives bit-identical weights; so does any thread count, because vecmath's
 * kernels compute each element the same way whatever the split.
 *
 * <p><b>Checkpoints.</b> When {@link TrainConfig#checkpoint()} is set, a {@link Checkpoint} is written
 * atomically at the end of every epoch: the parameters, the optimizer's state (slots {@code m}, {@code v})
 * and step count, the epoch and step counters, the seed, the loss history, and the early-stopping state
 * (best weights as slot {@code best}, best loss, best epoch, epochs since the best). {@link #resume(Path)}
 * loads one into a fresh trainer and model; {@link #train} then continues where it stopped, and the
 * result is bit-identical to an uninterrupted run: the data order of epoch e is replayed from (seed, 0..e),
 * the noise is addressed by (seed, step), and the optimizer continues from its saved moments and step.
 */
public final class Trainer {

    /** How training ended and what it measured. */
    public record Result(
            int epochsRun,
            long steps,
            List<Double> trainLoss,
            List<Double> validationLoss,
            boolean cancelled,
            boolean stoppedEarly,
            int bestEpoch,
            double seconds) {
        public double finalTrainLoss() {
            return trainLoss.isEmpty() ? Double.NaN : trainLoss.get(trainLoss.size() - 1);
        }
    }

    private final CompiledModel model;
    private final TrainConfig config;
    private final TrainingListener listener;
    private final AtomicBoolean cancel = new AtomicBoolean();
    private final String[] termNames;
    private String source = "";
    private Checkpoint resumeFrom;
    /** A separate validation set (rows x the model's input width), or null: then the configured fraction is held out. */
    private float[] validationX;

    private int validationRows;

    public Trainer(CompiledModel model, TrainConfig config, TrainingListener listener, String... termNames) {
        this.model = model;
        this.config = config;
        this.listener = listener == null ? new TrainingListener() {} : listener;
        this.termNames = termNames;
    }

    /**
     * Validates on these rows after each epoch instead of holding out a fraction of the training set ({@code
     * validation: DATA} in a train statement); early stopping then watches them.
     */
    public Trainer validationData(float[] x, int rows) {
        if (rows < 1) throw new IllegalArgumentException("the validation set is empty");
        if (x.length < (long) rows * model.inputWidth()) {
            throw new IllegalArgumentException(
                    "the validation set holds " + x.length + " values, not " + rows + " rows of " + model.inputWidth());
        }
        this.validationX = x;
        this.validationRows = rows;
        return this;
    }

    /** The program text stored in the checkpoints this trainer writes (for {@code ae4j run}; optional). */
    public Trainer source(String programText) {
        this.source = programText == null ? "" : programText;
        return this;
    }

    /**
     * Trains by recirculation (Hinton and McClelland 1988, {@link Recirculation}) instead of back-propagation:
     * the model must be the one-hidden-layer sigmoid autoencoder the checker allows for it.
     */
    public Trainer recirculation(ae4j.dsl.compile.Lowering.Lowered ir) {
        this.recirculation = new Recirculation(model, ir);
        return this;
    }

    /**
     * Drives the sigma of the model's noise before the code by {@code sigma} (a function of the fractional
     * epoch, like a learning-rate schedule; see {@link Schedule#noiseSigma}): set before every step, and left at
     * its final value when training ends. Null: the sigma stays as it is.
     */
    public Trainer noise(Schedule sigma) {
        this.noise = sigma;
        return this;
    }

    /**
     * Loads a checkpoint written by a trainer of the same model and configuration: copies its parameters
     * into the model now; the next {@link #train} restores the optimizer state and continues at the
     * checkpoint's epoch and step (up to {@link TrainConfig#epochs()} in all).
     *
     * @throws IOException if the file cannot be read or is not a checkpoint
     * @throws ModelMismatchException if its parameters do not fit the model
     * @throws IllegalArgumentException if it was written with a different seed, batch, optimizer or
     *     validation split (the continuation would not be the same run)
     */
    public Trainer resume(Path checkpoint) throws IOException, ModelMismatchException {
        Checkpoint cp = Checkpoint.read(checkpoint);
        Map<String, Object> mine = configMap(config);
        for (String key : List.of("batch", "optimizer", "optimizer_args", "validation", "clip")) {
            Object theirs = cp.config().get(key);
            if (theirs != null && !String.valueOf(theirs).equals(String.valueOf(mine.get(key)))) {
                throw new IllegalArgumentException(
                        checkpoint + " was written with " + key + " " + theirs + " but this run has " + mine.get(key)
                                + "; resume with the same training options, or start afresh without the checkpoint");
            }
        }
        if (cp.progress().seed() != config.seed()) {
            throw new IllegalArgumentException(checkpoint + " was written with seed "
                    + cp.progress().seed() + " but this run has seed " + config.seed() + "; resume with the same seed");
        }
        checkProgress(checkpoint, cp.extra());
        cp.restoreParams(checkpoint.toString(), model);
        this.resumeFrom = cp;
        return this;
    }

    /** The training history a checkpoint carries must read back as {@link #run} reads it; says which field is bad. */
    private static void checkProgress(Path checkpoint, Map<String, String> extra) {
        for (String key : List.of("train_loss", "validation_loss", "best_loss", "best_epoch", "since_best")) {
            String v = extra.get(key);
            if (v == null) continue;
            try {
                if (key.endsWith("_loss") && key.startsWith("best")) Double.parseDouble(v);
                else if (key.endsWith("_loss")) doubles(v);
                else if (Integer.parseInt(v) < -1) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(checkpoint + ": its " + key + " is '" + v
                        + "', not what a checkpoint holds (the file is damaged); resume from another checkpoint or"
                        + " train from the start");
            }
        }
    }

    /** The training options as stored in a checkpoint's {@code config}. */
    static Map<String, Object> configMap(TrainConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", c.epochs());
        m.put("batch", c.batch());
        m.put("optimizer", c.optimizer());
        m.put("optimizer_args", String.valueOf(new java.util.TreeMap<>(c.optimizerArgs())));
        m.put("schedule", c.schedule());
        m.put("schedule_args", String.valueOf(new java.util.TreeMap<>(c.scheduleArgs())));
        m.put("seed", c.seed());
        m.put("validation", c.validation());
        m.put("early_stopping", c.earlyStopping());
        m.put("clip", c.clip());
        return m;
    }

    /** Asks the running {@link #train} to stop after the current step; the model keeps its weights so far. */
    public void cancel() {
        cancel.set(true);
    }

    /** Trains on the rows of {@code x} (n examples of width d, row-major). */
    public Result train(float[] x, int n, int d) {
        if (d != model.inputWidth()) {
            throw new IllegalArgumentException("the data has " + d + " features per example but model '" + model.name()
                    + "' takes " + model.inputWidth() + "; check the data set or the model's input size");
        }
        if (n < 1) throw new IllegalArgumentException("the training set is empty");
        int before = Parallel.threads();
        if (config.threads() > 0) Parallel.setThreads(config.threads());
        try {
            return run(x, n, d);
        } finally {
            Parallel.setThreads(before);
            if (noise != null) model.setNoiseSigma(noise.at(config.epochs(), config.epochs()));
        }
    }

    private Result run(float[] x, int n, int d) {
        int batch = Math.min(config.batch(), model.maxBatch());
        // Validation: a seeded shuffle, the last fraction held out.
        int[] all = permutation(n, new SplittableRandom(config.seed() ^ 0x5DEECE66DL));
        int nVal = config.validation() > 0 ? (int) Math.round(config.validation() * n) : 0;
        if (nVal >= n) nVal = n - 1;
        int nTrain = n - nVal;
        int[] trainIdx = java.util.Arrays.copyOf(all, nTrain);
        int[] valIdx = java.util.Arrays.copyOfRange(all, nTrain, n);
        float[] valX = x;
        if (validationX != null) { // a validation set of its own: every training row trains
            valX = validationX;
            nVal = validationRows;
            valIdx = new int[nVal];
            for (int i = 0; i < nVal; i++) valIdx[i] = i;
        }

        float[][] params = model.params();
        float[][] grads = model.grads();
        Optimizer opt = Optimizer.of(config.optimizer(), config.optimizerArgs(), params);
        Schedule schedule = Schedule.of(config.schedule(), config.scheduleArgs(), opt.baseLearningRate());
        float[] buf = new float[batch * d];
        ae4j.dsl.runtime.BatchGather gather = new ae4j.dsl.runtime.BatchGather();
        int batchesPerEpoch = (nTrain + batch - 1) / batch;
        long totalSteps = (long) batchesPerEpoch * config.epochs();
        List<Double> trainLoss = new ArrayList<>();
        List<Double> valLoss = new ArrayList<>();
        float[][] best = null;
        double bestVal = Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        int sinceBest = 0;
        boolean cancelled = false;
        boolean stoppedEarly = false;
        long step = 0;
        int epoch = 0;
        if (resumeFrom != null) {
            Checkpoint cp = resumeFrom;
            resumeFrom = null;
            Map<String, float[]> state = new LinkedHashMap<>(cp.indexedState(model));
            state.keySet().removeIf(k -> k.startsWith("best."));
            opt.restore(state, cp.progress().step());
            step = cp.progress().step();
            epoch = cp.progress().epoch();
            Map<String, String> extra = cp.extra();
            trainLoss.addAll(doubles(extra.get("train_loss")));
            valLoss.addAll(doubles(extra.get("validation_loss")));
            if (extra.containsKey("best_loss")) bestVal = Double.parseDouble(extra.get("best_loss"));
            if (extra.containsKey("best_epoch")) bestEpoch = Integer.parseInt(extra.get("best_epoch"));
            if (extra.containsKey("since_best")) sinceBest = Integer.parseInt(extra.get("since_best"));
            stoppedEarly = Boolean.parseBoolean(extra.get("stopped_early"));
            if (cp.optimizerState().containsKey("best")) best = cp.slotArrays("best", model);
            // The data order of epoch e is the base order shuffled by epochs 0..e in turn: replay them.
            for (int e = 0; e < epoch; e++) shuffle(trainIdx, new SplittableRandom(config.seed() * 1_000_003L + e));
        }
        long firstStep = step;
        firstLoss = Double.NaN;
        // The update inside the step, made once for the run: the step's rate and number are set before each step.
        double[] stepRate = new double[1];
        long[] stepAt = new long[1];
        ae4j.dsl.runtime.ParamUpdate inside =
                opt.inside(() -> stepRate[0], params, grads, o -> acceptable(o, stepAt[0], firstStep));
        long start = System.nanoTime();
        for (; epoch < config.epochs() && !cancelled && !stoppedEarly; epoch++) {
            shuffle(trainIdx, new SplittableRandom(config.seed() * 1_000_003L + epoch));
            double sum = 0;
            int seen = 0;
            double[] termSums = null;
            long epochStart = System.nanoTime();
            for (int b = 0; b < batchesPerEpoch; b++) {
                if (cancel.get() || Thread.currentThread().isInterrupted()) {
                    cancelled = true;
                    break;
                }
                int from = b * batch;
                int rows = Math.min(batch, nTrain - from);
                gather.gather(x, d, trainIdx, from, rows, buf);
                if (noise != null) model.setNoiseSigma(noise.at(epoch + (double) b / batchesPerEpoch, config.epochs()));
                double lr = opt.baseLearningRate() * schedule.at(epoch + (double) b / batchesPerEpoch, config.epochs());
                double loss;
                if (recirculation != null) {
                    loss = recirculation.step(buf, rows, config.seed(), step);
                } else if (config.clip() > 0) {
                    loss = model.forwardBackward(buf, rows, config.seed(), step);
                } else {
                    // The update inside the step (each thread updates the rows it computed): the same bits as
                    // forwardBackward then opt.step, with no pass or hand-off of its own.
                    stepRate[0] = lr;
                    stepAt[0] = step;
                    loss = model.forwardBackward(buf, rows, config.seed(), step, inside);
                }
                if (!Double.isFinite(loss)) throw diverged(loss, step, epoch, opt.baseLearningRate());
                if (step == firstStep) firstLoss = loss;
                else if (loss > BLOW_UP * Math.max(Math.abs(firstLoss), BLOW_UP_FLOOR))
                    throw blewUp(loss, step, epoch, opt.baseLearningRate());
                if (recirculation != null || config.clip() > 0) {
                    if (config.clip() > 0) clip(grads, config.clip());
                    opt.step(params, grads, lr);
                }
                step++;
                sum += loss * rows;
                seen += rows;
                double[] terms = model.lastTerms();
                if (terms != null) {
                    if (termSums == null) termSums = new double[terms.length];
                    for (int k = 0; k < terms.length && k < termSums.length; k++) termSums[k] += terms[k] * rows;
                }
                double secs = (System.nanoTime() - start) / 1e9;
                double rate = (step - firstStep) * (double) batch / Math.max(secs, 1e-9);
                listener.onStep(new TrainingListener.Progress(
                        step,
                        totalSteps,
                        epoch,
                        config.epochs(),
                        loss,
                        terms,
                        rate,
                        (totalSteps - step) * (secs / (step - firstStep))));
            }
            if (seen == 0) break;
            trainLoss.add(sum / seen);
            double v = nVal > 0 ? evaluate(valX, d, valIdx, buf, batch) : Double.NaN;
            valLoss.add(v);
            if (termSums != null) for (int k = 0; k < termSums.length; k++) termSums[k] /= seen;
            listener.onEpoch(new TrainingListener.Epoch(
                    epoch, config.epochs(), sum / seen, termSums, v, seen, (System.nanoTime() - epochStart) / 1e9));
            if (nVal > 0 && config.earlyStopping() > 0) {
                if (v < bestVal) {
                    bestVal = v;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    best = copy(params, best);
                } else if (++sinceBest >= config.earlyStopping()) {
                    stoppedEarly = true;
                }
            }
            if (config.checkpoint() != null) {
                writeCheckpoint(
                        Path.of(config.checkpoint()),
                        opt,
                        params.length,
                        step,
                        epoch + 1,
                        trainLoss,
                        valLoss,
                        best,
                        bestVal,
                        bestEpoch,
                        sinceBest,
                        stoppedEarly);
            }
        }
        if (stoppedEarly && best != null) {
            for (int i = 0; i < params.length; i++) System.arraycopy(best[i], 0, params[i], 0, params[i].length);
        }
        Result result = new Result(
                trainLoss.size(),
                step,
                List.copyOf(trainLoss),
                List.copyOf(valLoss),
                cancelled,
                stoppedEarly,
                bestEpoch,
                (System.nanoTime() - start) / 1e9);
        listener.onEnd(result);
        return result;
    }

    private void writeCheckpoint(
            Path file,
            Optimizer opt,
            int paramCount,
            long step,
            int epochsDone,
            List<Double> trainLoss,
            List<Double> valLoss,
            float[][] best,
            double bestVal,
            int bestEpoch,
            int sinceBest,
            boolean stoppedEarly) {
        Map<String, float[][]> slots = new LinkedHashMap<>(Checkpoint.slotsFromIndexed(opt.state(), paramCount));
        if (best != null) slots.put("best", best);
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("train_loss", join(trainLoss));
        extra.put("validation_loss", join(valLoss));
        extra.put("best_loss", Double.toString(bestVal));
        extra.put("best_epoch", Integer.toString(bestEpoch));
        extra.put("since_best", Integer.toString(sinceBest));
        extra.put("stopped_early", Boolean.toString(stoppedEarly));
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) java.nio.file.Files.createDirectories(parent);
            Checkpoint.capture(
                            model,
                            source,
                            config.optimizer(),
                            slots,
                            new Checkpoint.Progress(step, epochsDone, config.seed(), step),
                            configMap(config),
                            extra)
                    .write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static String join(List<Double> values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            if (!b.isEmpty()) b.append(',');
            b.append(v);
        }
        return b.toString();
    }

    private static List<Double> doubles(String text) {
        List<Double> out = new ArrayList<>();
        if (text == null || text.isBlank()) return out;
        for (String t : text.split(",")) out.add(Double.parseDouble(t));
        return out;
    }

    /** Mean objective over the given rows, without corruption or training noise. */
    private double evaluate(float[] x, int d, int[] idx, float[] buf, int batch) {
        double sum = 0;
        ae4j.dsl.runtime.BatchGather gather = new ae4j.dsl.runtime.BatchGather();
        for (int from = 0; from < idx.length; from += batch) {
            int rows = Math.min(batch, idx.length - from);
            gather.gather(x, d, idx, from, rows, buf);
            sum += model.loss(buf, rows, 0, 0, false) * rows;
        }
        return sum / idx.length;
    }

    /**
     * Training has blown up when a batch's loss exceeds this many times the first batch's (a healthy run
     * lowers its loss; a learning rate far too large multiplies it while it stays finite, 1e28 at Adam lr 1e6).
     */
    static final double BLOW_UP = 1e4;

    /** The first loss counts as at least this, so a near-zero start is not mistaken for a blow-up by noise. */
    static final double BLOW_UP_FLOOR = 1e-2;

    /** Set when training by recirculation instead of back-propagation. */
    private Recirculation recirculation;

    /** The schedule of the noise before the code, or null. */
    private Schedule noise;

    /** The loss of the first step of this run (of the resumed part, after a checkpoint). */
    private double firstLoss = Double.NaN;

    /** Whether a step's objective lets the step update the weights (the checks after the step throw otherwise). */
    private boolean acceptable(double loss, long step, long firstStep) {
        if (!Double.isFinite(loss)) return false;
        return step == firstStep || !(loss > BLOW_UP * Math.max(Math.abs(firstLoss), BLOW_UP_FLOOR));
    }

    private DivergenceException blewUp(double loss, long step, int epoch, double lr) {
        return new DivergenceException(
                String.format(
                        "training diverged: the loss grew from %.6g at the first step to %.6g at step %d (epoch %d), "
                                + "more than %,.0f-fold. Try a smaller learning rate (lr: %s -> %s) or gradient"
                                + " clipping (clip: 1.0).",
                        firstLoss, loss, step, epoch + 1, BLOW_UP, lr, lr / 10),
                step);
    }

    private DivergenceException diverged(double loss, long step, int epoch, double lr) {
        double[] terms = model.lastTerms();
        String which = "the loss";
        for (int k = 0; k < terms.length; k++) {
            if (!Double.isFinite(terms[k])) {
                which = "term " + (k + 1) + (k < termNames.length ? " (" + termNames[k] + ")" : "");
                break;
            }
        }
        return new DivergenceException(
                "training diverged: " + which + " became " + loss + " at step " + step
                        + " (epoch " + (epoch + 1) + "). Try a smaller learning rate (lr: " + lr + " -> " + lr / 10
                        + "), gradient clipping (clip: 1.0), or inputs scaled to [0, 1] (scale 1/255).",
                step);
    }

    private static void clip(float[][] grads, double maxNorm) {
        double sq = 0;
        for (float[] g : grads) sq += Norms.l2sq(g.length, g, 0);
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float s = (float) (maxNorm / norm);
            for (float[] g : grads) ae4j.vecmath.Elementwise.scale(g.length, s, g, 0);
        }
    }

    private static float[][] copy(float[][] src, float[][] dst) {
        if (dst == null) {
            dst = new float[src.length][];
            for (int i = 0; i < src.length; i++) dst[i] = src[i].clone();
            return dst;
        }
        for (int i = 0; i < src.length; i++) System.arraycopy(src[i], 0, dst[i], 0, src[i].length);
        return dst;
    }

    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        shuffle(p, r);
        return p;
    }

    static void shuffle(int[] a, SplittableRandom r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
