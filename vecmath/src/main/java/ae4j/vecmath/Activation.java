package ae4j.vecmath;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pointwise nonlinearities, each with its forward map and its derivative written in terms of the
 * <em>output</em> y = f(z), so backprop only needs the stored activations:
 *
 * <pre>
 *   identity  y = z                         f'(z) = 1
 *   relu      y = max(z, 0)                 f'(z) = [y &gt; 0]
 *   sigmoid   y = 1 / (1 + exp(-z))         f'(z) = y (1 - y)
 *   tanh      y = tanh(z)                   f'(z) = 1 - y^2
 *   softplus  y = log(1 + exp(z))           f'(z) = sigmoid(z) = 1 - exp(-y)
 * </pre>
 *
 * Vector loops use {@link VMath} (tier-independent polynomial exp / tanh / log1p). The scalar
 * definitions here ({@link #apply(float)}, {@link #derivativeFromOutput(float)}) are the reference the
 * tests compare against; the double-precision ones ({@link #apply(double)}, {@link #derivativeFromOutput(double)})
 * are the reference executor's and the analyses'; the generator inlines {@link #derivativeFromOutputSource}.
 * Every activation's maths lives in this one file.
 */
public enum Activation {
    IDENTITY,
    RELU,
    SIGMOID,
    TANH,
    SOFTPLUS;

    static {
        Jit.ensureDirectives();
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Looks an activation up by its DSL name (identity, linear, relu, sigmoid, tanh, softplus). */
    public static Activation byName(String name) {
        return switch (name) {
            case "identity", "linear" -> IDENTITY;
            case "relu" -> RELU;
            case "sigmoid" -> SIGMOID;
            case "tanh" -> TANH;
            case "softplus" -> SOFTPLUS;
            default ->
                throw new IllegalArgumentException(
                        "unknown activation '" + name + "'; expected one of identity, relu, sigmoid, tanh, softplus");
        };
    }

    /** Scalar forward map (double precision internally). */
    public float apply(float z) {
        return switch (this) {
            case IDENTITY -> z;
            case RELU -> z > 0f ? z : 0f;
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-z)));
            case TANH -> (float) Math.tanh(z);
            case SOFTPLUS -> (float) (Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs((double) z))));
        };
    }

    /** Scalar derivative f'(z) expressed through the output y = f(z). */
    public float derivativeFromOutput(float y) {
        return switch (this) {
            case IDENTITY -> 1f;
            case RELU -> y > 0f ? 1f : 0f;
            case SIGMOID -> y * (1f - y);
            case TANH -> 1f - y * y;
            case SOFTPLUS -> (float) -Math.expm1(-(double) y);
        };
    }

    /** The forward map in double precision: the reference the reference executor and the analyses use. */
    public double apply(double z) {
        return switch (this) {
            case IDENTITY -> z;
            case RELU -> Math.max(z, 0);
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case TANH -> Math.tanh(z);
            case SOFTPLUS -> Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        };
    }

    /** f'(z) through the output y = f(z), in double precision. */
    public double derivativeFromOutput(double y) {
        return switch (this) {
            case IDENTITY -> 1;
            case RELU -> y > 0 ? 1 : 0;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case SOFTPLUS -> -Math.expm1(-y);
        };
    }

    /**
     * d f'(z) / dy, with f'(z) written through the output y as in {@link #derivativeFromOutput(double)}: what the
     * contractive penalty's gradient needs (sigmoid 1 - 2y, tanh -2y).
     */
    public double derivativeOfDerivativeFromOutput(double y) {
        return switch (this) {
            case IDENTITY, RELU -> 0;
            case SIGMOID -> 1 - 2 * y;
            case TANH -> -2 * y;
            case SOFTPLUS -> Math.exp(-y);
        };
    }

    /**
     * Java source computing {@link #derivativeFromOutput(float)} of the float expression {@code y}, for generated
     * code, where a call per element would cost more than the arithmetic: the same operations in the same order.
     */
    public String derivativeFromOutputSource(String y) {
        return switch (this) {
            case IDENTITY -> "1f";
            case RELU -> "(" + y + " > 0f ? 1f : 0f)";
            case SIGMOID -> y + " * (1f - " + y + ")";
            case TANH -> "1f - " + y + " * " + y;
            case SOFTPLUS -> "(float) -Math.expm1(-(double) " + y + ")";
        };
    }

    /** Java source of {@link #derivativeOfDerivativeFromOutput(double)} in float, for generated code. */
    public String derivativeOfDerivativeFromOutputSource(String y) {
        return switch (this) {
            case IDENTITY, RELU -> "0f";
            case SIGMOID -> "1f - 2f * " + y;
            case TANH -> "-2f * " + y;
            case SOFTPLUS -> "(float) Math.exp(-(double) " + y + ")";
        };
    }

    /**
     * The forward map on one vector. Used only on short or cold paths: hot loops below are one small
     * method per activation, because C2 stops inlining vector helpers (and boxes their vectors) once a
     * compiled method grows past its node budget, and a switch over every activation inside one loop does.
     */
    FloatVector apply(FloatVector z) {
        return switch (this) {
            case IDENTITY -> z;
            case RELU -> z.max(0f);
            case SIGMOID -> VMath.sigmoid(z);
            case TANH -> VMath.tanh(z);
            case SOFTPLUS -> VMath.softplus(z);
        };
    }

    /** y[i] = f(z[i]) for i in [0, n). z and y may be the same array range (in place). */
    public void forward(int n, float[] z, int zo, float[] y, int yo) {
        switch (this) {
            case IDENTITY -> {
                if (z != y || zo != yo) System.arraycopy(z, zo, y, yo, n);
            }
            case RELU -> reluForward(n, z, zo, y, yo);
            case SIGMOID -> sigmoidLoop(n, z, zo, y, yo);
            case TANH -> tanhLoop(n, z, zo, y, yo);
            case SOFTPLUS -> softplusForward(n, z, zo, y, yo);
        }
    }

    private static void reluForward(int n, float[] z, int zo, float[] y, int yo) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, z, zo + i).max(0f).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = z[zo + i] > 0f ? z[zo + i] : 0f;
    }

    private static void sigmoidLoop(int n, float[] z, int zo, float[] y, int yo) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            VMath.sigmoid(FloatVector.fromArray(S, z, zo + i)).intoArray(y, yo + i);
        }
        if (i < n) tail(SIGMOID, n, i, z, zo, y, yo);
    }

    private static void tanhLoop(int n, float[] z, int zo, float[] y, int yo) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            VMath.tanh(FloatVector.fromArray(S, z, zo + i)).intoArray(y, yo + i);
        }
        if (i < n) tail(TANH, n, i, z, zo, y, yo);
    }

    /**
     * softplus in two passes, e = exp(-|z|) then y = max(z, 0) + log1p(e): with exp and log in one loop
     * C2 hits its inlining node cutoff and the loop runs ten times slower. The second pass reads e back
     * from y while it is still in cache; each element goes through the same operations as
     * {@link VMath#softplus}, so the bits match it.
     */
    private static void softplusForward(int n, float[] z, int zo, float[] y, int yo) {
        int upper = S.loopBound(n);
        if (z == y && zo + n > yo && yo + n > zo) {
            // Overlapping (in place): exp into a per-thread scratch chunk, so z survives for the log pass.
            float[] e = SCRATCH.get();
            for (int c = 0; c < upper; c += SCRATCH_SIZE) {
                int len = Math.min(SCRATCH_SIZE, upper - c);
                softplusExpLoop(len, z, zo + c, e, 0);
                softplusLogLoop(len, z, zo + c, e, 0, y, yo + c);
            }
        } else {
            softplusExpLoop(upper, z, zo, y, yo);
            softplusLogLoop(upper, z, zo, y, yo, y, yo);
        }
        if (upper < n) tail(SOFTPLUS, n, upper, z, zo, y, yo);
    }

    private static final int SCRATCH_SIZE = 512;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[SCRATCH_SIZE]);

    private static void softplusExpLoop(int upper, float[] z, int zo, float[] y, int yo) {
        for (int i = 0; i < upper; i += L) {
            VMath.exp(FloatVector.fromArray(S, z, zo + i).abs().neg()).intoArray(y, yo + i);
        }
    }

    private static void softplusLogLoop(int upper, float[] z, int zo, float[] e, int eo, float[] y, int yo) {
        for (int i = 0; i < upper; i += L) {
            FloatVector ev = FloatVector.fromArray(S, e, eo + i);
            FloatVector.fromArray(S, z, zo + i).max(0f).add(VMath.log1pUnit(ev)).intoArray(y, yo + i);
        }
    }

    /** The last n - i < L elements, through a masked vector so they get the same bits as full vectors. */
    private static void tail(Activation act, int n, int i, float[] z, int zo, float[] y, int yo) {
        VectorMask<Float> m = S.indexInRange(i, n);
        act.apply(FloatVector.fromArray(S, z, zo + i, m)).intoArray(y, yo + i, m);
    }

    /**
     * Backprop through the activation: dz[i] = dy[i] * f'(z[i]), with f' computed from the stored output
     * y. dz may alias dy.
     */
    public void backward(int n, float[] y, int yo, float[] dy, int dyo, float[] dz, int dzo) {
        switch (this) {
            case IDENTITY -> {
                if (dy != dz || dyo != dzo) System.arraycopy(dy, dyo, dz, dzo, n);
            }
            case SOFTPLUS -> softplusBackwardLoop(n, y, yo, dy, dyo, dz, dzo);
            default -> simpleBackward(this, n, y, yo, dy, dyo, dz, dzo);
        }
    }

    private static void simpleBackward(
            Activation act, int n, float[] y, int yo, float[] dy, int dyo, float[] dz, int dzo) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, yo + i);
            FloatVector g = FloatVector.fromArray(S, dy, dyo + i);
            FloatVector d = switch (act) {
                case RELU -> g.blend(0f, yv.compare(VectorOperators.LE, 0f));
                case SIGMOID -> g.mul(yv.mul(yv.neg().add(1f)));
                default -> g.mul(yv.mul(yv).neg().add(1f)); // TANH
            };
            d.intoArray(dz, dzo + i);
        }
        for (; i < n; i++) {
            dz[dzo + i] = act == RELU
                    ? (y[yo + i] <= 0f ? 0f : dy[dyo + i])
                    : dy[dyo + i] * act.derivativeFromOutputFloat(y[yo + i]);
        }
    }

    private static void softplusBackwardLoop(int n, float[] y, int yo, float[] dy, int dyo, float[] dz, int dzo) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, yo + i);
            FloatVector g = FloatVector.fromArray(S, dy, dyo + i);
            g.mul(VMath.expm1(yv.neg()).neg()).intoArray(dz, dzo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(S, y, yo + i, m);
            FloatVector g = FloatVector.fromArray(S, dy, dyo + i, m);
            g.mul(VMath.expm1(yv.neg()).neg()).intoArray(dz, dzo + i, m);
        }
    }

    /** The float arithmetic the vector backward loops do, for their scalar tails (same bits). */
    private float derivativeFromOutputFloat(float y) {
        return switch (this) {
            case SIGMOID -> y * (-y + 1f);
            case TANH -> -(y * y) + 1f;
            default -> derivativeFromOutput(y);
        };
    }

    /**
     * Bias + activation over a row-major block: out[i][j] = f(z[i][j] + bias[j]). out may alias z. Per
     * row: one vector pass adding the bias, then the activation over the row while it is still in L1.
     */
    public void biasForward(
            int rows, int cols, float[] bias, int bo, float[] z, int zo, int ldz, float[] out, int oo, int ldo) {
        for (int r = 0; r < rows; r++) {
            int zr = zo + r * ldz;
            int or = oo + r * ldo;
            addBiasRow(cols, bias, bo, z, zr, out, or);
            forward(cols, out, or, out, or);
        }
    }

    private static void addBiasRow(int cols, float[] bias, int bo, float[] z, int zr, float[] out, int or) {
        int j = 0;
        for (int upper = S.loopBound(cols); j < upper; j += L) {
            FloatVector.fromArray(S, z, zr + j)
                    .add(FloatVector.fromArray(S, bias, bo + j))
                    .intoArray(out, or + j);
        }
        for (; j < cols; j++) out[or + j] = z[zr + j] + bias[bo + j];
    }
}
