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
 * tests compare against.
 */
public enum Activation {
    IDENTITY, RELU, SIGMOID, TANH, SOFTPLUS;

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
            default -> throw new IllegalArgumentException("unknown activation '" + name
                    + "'; expected one of identity, relu, sigmoid, tanh, softplus");
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

    /** The forward map on one vector. Kept tiny so it inlines into the loops that call it. */
    FloatVector apply(FloatVector z) {
        return switch (this) {
            case IDENTITY -> z;
            case RELU -> z.max(0f);
            case SIGMOID -> sigmoid(z);
            case TANH -> VMath.tanh(z);
            case SOFTPLUS -> softplus(z);
        };
    }

    static FloatVector sigmoid(FloatVector z) {
        return VMath.sigmoid(z);
    }

    static FloatVector softplus(FloatVector z) {
        return VMath.softplus(z);
    }

    /** y[i] = f(z[i]) for i in [0, n). z and y may be the same array range (in place). */
    public void forward(int n, float[] z, int zo, float[] y, int yo) {
        int i = 0;
        int upper = S.loopBound(n);
        switch (this) {
            case IDENTITY -> {
                if (z != y || zo != yo) System.arraycopy(z, zo, y, yo, n);
                return;
            }
            case RELU -> {
                for (; i < upper; i += L) FloatVector.fromArray(S, z, zo + i).max(0f).intoArray(y, yo + i);
            }
            case SIGMOID -> {
                for (; i < upper; i += L) sigmoid(FloatVector.fromArray(S, z, zo + i)).intoArray(y, yo + i);
            }
            case TANH -> {
                for (; i < upper; i += L) {
                    VMath.tanh(FloatVector.fromArray(S, z, zo + i)).intoArray(y, yo + i);
                }
            }
            case SOFTPLUS -> {
                for (; i < upper; i += L) softplus(FloatVector.fromArray(S, z, zo + i)).intoArray(y, yo + i);
            }
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            apply(FloatVector.fromArray(S, z, zo + i, m)).intoArray(y, yo + i, m);
        }
    }

    /**
     * Backprop through the activation: dz[i] = dy[i] * f'(z[i]), with f' computed from the stored output
     * y. dz may alias dy.
     */
    public void backward(int n, float[] y, int yo, float[] dy, int dyo, float[] dz, int dzo) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, yo + i);
            FloatVector g = FloatVector.fromArray(S, dy, dyo + i);
            derivative(yv, g).intoArray(dz, dzo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(S, y, yo + i, m);
            FloatVector g = FloatVector.fromArray(S, dy, dyo + i, m);
            derivative(yv, g).intoArray(dz, dzo + i, m);
        }
    }

    private FloatVector derivative(FloatVector y, FloatVector g) {
        return switch (this) {
            case IDENTITY -> g;
            case RELU -> g.blend(0f, y.compare(VectorOperators.LE, 0f));
            case SIGMOID -> g.mul(y.mul(y.neg().add(1f)));
            case TANH -> g.mul(y.mul(y).neg().add(1f));
            case SOFTPLUS -> g.mul(VMath.expm1(y.neg()).neg());
        };
    }

    /**
     * Fused bias + activation over a row-major block: out[i][j] = f(z[i][j] + bias[j]). out may alias z.
     * One pass over memory; this is what a dense layer does after its GEMM when the GEMM epilogue is not
     * used.
     */
    public void biasForward(int rows, int cols, float[] bias, int bo, float[] z, int zo, int ldz,
                            float[] out, int oo, int ldo) {
        int upper = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int zr = zo + r * ldz;
            int or = oo + r * ldo;
            int j = 0;
            for (; j < upper; j += L) {
                FloatVector v = FloatVector.fromArray(S, z, zr + j).add(FloatVector.fromArray(S, bias, bo + j));
                apply(v).intoArray(out, or + j);
            }
            if (j < cols) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector v = FloatVector.fromArray(S, z, zr + j, m).add(FloatVector.fromArray(S, bias, bo + j, m));
                apply(v).intoArray(out, or + j, m);
            }
        }
    }
}
