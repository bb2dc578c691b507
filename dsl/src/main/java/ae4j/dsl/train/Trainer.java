package ae4j.dsl.train;

import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Norms;
import ae4j.vecmath.Parallel;
import java.util.ArrayList;
import java.util.List;
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
 */
public final class Trainer {

    /** How training ended and what it measured. */
    public record Result(int epochsRun, long steps, List<Double> trainLoss, List<Double> validationLoss,
                         boolean cancelled, boolean stoppedEarly, int bestEpoch, double seconds) {
        public double finalTrainLoss() {
            return trainLoss.isEmpty() ? Double.NaN : trainLoss.get(trainLoss.size() - 1);
        }
    }

    private final CompiledModel model;
    private final TrainConfig config;
    private final TrainingListener listener;
    private final AtomicBoolean cancel = new AtomicBoolean();
    private final String[] termNames;

    public Trainer(CompiledModel model, TrainConfig config, TrainingListener listener, String... termNames) {
        this.model = model;
        this.config = config;
        this.listener = listener == null ? new TrainingListener() { } : listener;
        this.termNames = termNames;
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

        float[][] params = model.params();
        float[][] grads = model.grads();
        Optimizer opt = Optimizer.of(config.optimizer(), config.optimizerArgs(), params);
        Schedule schedule = Schedule.of(config.schedule(), config.scheduleArgs(), opt.baseLearningRate());
        float[] buf = new float[batch * d];
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
        long start = System.nanoTime();
        int epoch = 0;
        for (; epoch < config.epochs() && !cancelled && !stoppedEarly; epoch++) {
            shuffle(trainIdx, new SplittableRandom(config.seed() * 1_000_003L + epoch));
            double sum = 0;
            int seen = 0;
            for (int b = 0; b < batchesPerEpoch; b++) {
                if (cancel.get() || Thread.currentThread().isInterrupted()) {
                    cancelled = true;
                    break;
                }
                int from = b * batch;
                int rows = Math.min(batch, nTrain - from);
                for (int r = 0; r < rows; r++) System.arraycopy(x, trainIdx[from + r] * d, buf, r * d, d);
                double loss = model.forwardBackward(buf, rows, config.seed(), step);
                if (!Double.isFinite(loss)) throw diverged(loss, step, epoch, opt.baseLearningRate());
                if (config.clip() > 0) clip(grads, config.clip());
                double lr = opt.baseLearningRate() * schedule.at(epoch + (double) b / batchesPerEpoch, config.epochs());
                opt.step(params, grads, lr);
                step++;
                sum += loss * rows;
                seen += rows;
                double secs = (System.nanoTime() - start) / 1e9;
                double rate = step * (double) batch / Math.max(secs, 1e-9);
                listener.onStep(new TrainingListener.Progress(step, totalSteps, epoch, config.epochs(), loss,
                        model.lastTerms(), rate, (totalSteps - step) * (secs / step)));
            }
            if (seen == 0) break;
            trainLoss.add(sum / seen);
            double v = nVal > 0 ? evaluate(x, d, valIdx, buf, batch) : Double.NaN;
            valLoss.add(v);
            listener.onEpoch(epoch, sum / seen, v);
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
        }
        if (stoppedEarly && best != null) {
            for (int i = 0; i < params.length; i++) System.arraycopy(best[i], 0, params[i], 0, params[i].length);
        }
        Result result = new Result(trainLoss.size(), step, List.copyOf(trainLoss), List.copyOf(valLoss), cancelled,
                stoppedEarly, bestEpoch, (System.nanoTime() - start) / 1e9);
        listener.onEnd(result);
        return result;
    }

    /** Mean objective over the given rows, without corruption or training noise. */
    private double evaluate(float[] x, int d, int[] idx, float[] buf, int batch) {
        double sum = 0;
        for (int from = 0; from < idx.length; from += batch) {
            int rows = Math.min(batch, idx.length - from);
            for (int r = 0; r < rows; r++) System.arraycopy(x, idx[from + r] * d, buf, r * d, d);
            sum += model.loss(buf, rows, 0, 0, false) * rows;
        }
        return sum / idx.length;
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
        return new DivergenceException("training diverged: " + which + " became " + loss + " at step " + step
                + " (epoch " + (epoch + 1) + "). Try a smaller learning rate (lr: " + lr + " -> " + lr / 10
                + "), gradient clipping (clip: 1.0), or inputs scaled to [0, 1] (scale 1/255).", step);
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
