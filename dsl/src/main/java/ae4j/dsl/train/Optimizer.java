package ae4j.dsl.train;

import ae4j.dsl.check.Builtins;
import ae4j.vecmath.Updates;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD, momentum, Nesterov, Adam and AdamW over a model's parameter arrays, with their state (velocities,
 * moments) allocated once. Each update is one fused vecmath pass per tensor ({@link Updates}).
 */
public final class Optimizer {

    public enum Kind {
        SGD,
        MOMENTUM,
        NESTEROV,
        ADAM,
        ADAMW
    }

    private final Kind kind;
    private final double lr;
    private final float momentum;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float[][] state1;
    private final float[][] state2;
    private long t;

    public Optimizer(
            Kind kind,
            double lr,
            double momentum,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            float[][] params) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        this.kind = kind;
        this.lr = lr;
        this.momentum = (float) momentum;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        boolean needs1 = kind != Kind.SGD;
        boolean needs2 = kind == Kind.ADAM || kind == Kind.ADAMW;
        state1 = new float[params.length][];
        state2 = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            if (needs1) state1[i] = new float[params[i].length];
            if (needs2) state2[i] = new float[params[i].length];
        }
    }

    /** From a checked optimizer call, e.g. adam(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8); missing arguments take the built-in defaults. */
    public static Optimizer of(String name, Map<String, Object> given, float[][] params) {
        Map<String, Object> args = Builtins.withDefaults(Builtins.Kind.OPTIMIZER, name, given);
        double lr = num(args, "lr");
        return switch (name) {
            case "sgd" -> new Optimizer(Kind.SGD, lr, 0, 0, 0, 0, 0, params);
            case "momentum" -> new Optimizer(Kind.MOMENTUM, lr, num(args, "momentum"), 0, 0, 0, 0, params);
            case "nesterov" -> new Optimizer(Kind.NESTEROV, lr, num(args, "momentum"), 0, 0, 0, 0, params);
            case "adam" ->
                new Optimizer(Kind.ADAM, lr, 0, num(args, "beta1"), num(args, "beta2"), num(args, "eps"), 0, params);
            case "adamw" ->
                new Optimizer(
                        Kind.ADAMW,
                        lr,
                        0,
                        num(args, "beta1"),
                        num(args, "beta2"),
                        num(args, "eps"),
                        num(args, "weight_decay"),
                        params);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'");
        };
    }

    private static double num(Map<String, Object> args, String key) {
        return ((Number) args.get(key)).doubleValue();
    }

    public double baseLearningRate() {
        return lr;
    }

    public long steps() {
        return t;
    }

    /**
     * One update of every parameter with its gradient, at learning rate {@code rate}. Tensors are
     * independent, so large models update them on several threads (each tensor whole, on one thread: the
     * result does not depend on the thread count).
     */
    public void step(float[][] params, float[][] grads, double rate) {
        begin(rate);
        long total = 0;
        for (float[] p : params) total += p.length;
        if (total >= PARALLEL_MIN && params.length > 1) {
            ae4j.vecmath.Parallel.run(params.length, i -> update(i, params[i], grads[i], 0, params[i].length));
        } else {
            for (int i = 0; i < params.length; i++) update(i, params[i], grads[i], 0, params[i].length);
        }
    }

    /** Below this many parameters a thread hand-off costs more than the update. */
    private static final long PARALLEL_MIN = 65_536;

    private float rate;
    private float c1;
    private float c2;

    /**
     * Starts a step at learning rate {@code rate} whose updates then come range by range ({@link #update}): the
     * training step's threads update the share of each parameter whose gradient they have just computed. Every
     * element gets the bits {@link #step} gives it.
     */
    public void begin(double rate) {
        t++;
        this.rate = (float) rate;
        c1 = (float) (1 - Math.pow(beta1, t));
        c2 = (float) (1 - Math.pow(beta2, t));
    }

    /**
     * This optimizer as the update inside a training step ({@link ae4j.dsl.runtime.CompiledModel#forwardBackward(
     * float[], int, long, long, ae4j.dsl.runtime.ParamUpdate)}): if {@code accept} takes the step's objective, a
     * step at {@code rate} begins and each range is updated as it comes; otherwise nothing moves.
     */
    public ae4j.dsl.runtime.ParamUpdate inside(
            double rate, float[][] params, float[][] grads, java.util.function.DoublePredicate accept) {
        return inside(() -> rate, params, grads, accept);
    }

    /**
     * {@link #inside(double, float[][], float[][], java.util.function.DoublePredicate)} with the rate read as each
     * step begins: one object serves a whole run whose rate follows a schedule.
     */
    public ae4j.dsl.runtime.ParamUpdate inside(
            java.util.function.DoubleSupplier rate,
            float[][] params,
            float[][] grads,
            java.util.function.DoublePredicate accept) {
        return new ae4j.dsl.runtime.ParamUpdate() {
            @Override
            public boolean begin(double objective) {
                if (!accept.test(objective)) return false;
                Optimizer.this.begin(rate.getAsDouble());
                return true;
            }

            @Override
            public void update(int param, int from, int to) {
                Optimizer.this.update(param, params[param], grads[param], from, to);
            }
        };
    }

    /** Updates elements [from, to) of parameter i (gradient g) in the step {@link #begin} started. */
    public void update(int i, float[] p, float[] g, int from, int to) {
        float r = rate;
        switch (kind) {
            case SGD -> Updates.sgd(from, to, r, 0f, p, g);
            case MOMENTUM -> Updates.momentum(from, to, r, momentum, 0f, false, p, g, state1[i]);
            case NESTEROV -> Updates.momentum(from, to, r, momentum, 0f, true, p, g, state1[i]);
            case ADAM, ADAMW ->
                Updates.adam(
                        from,
                        to,
                        r,
                        beta1,
                        beta2,
                        eps,
                        weightDecay,
                        kind == Kind.ADAMW,
                        c1,
                        c2,
                        p,
                        g,
                        state1[i],
                        state2[i]);
        }
    }

    /** The state tensors for a checkpoint: "m.<index>", "v.<index>" (absent ones skipped), plus the step. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < state1.length; i++) {
            if (state1[i] != null) out.put("m." + i, state1[i]);
            if (state2[i] != null) out.put("v." + i, state2[i]);
        }
        return out;
    }

    /** Restores state saved by {@link #state()} at step {@code step}. */
    public void restore(Map<String, float[]> saved, long step) {
        for (int i = 0; i < state1.length; i++) {
            if (state1[i] != null) copyInto("m." + i, saved, state1[i]);
            if (state2[i] != null) copyInto("v." + i, saved, state2[i]);
        }
        t = step;
    }

    private static void copyInto(String key, Map<String, float[]> saved, float[] dst) {
        float[] src = saved.get(key);
        if (src == null || src.length != dst.length) {
            throw new IllegalArgumentException(
                    "optimizer state '" + key + "' is missing or has the wrong size in the checkpoint");
        }
        System.arraycopy(src, 0, dst, 0, dst.length);
    }
}
