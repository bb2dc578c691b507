package ae4j.vecmath;

/**
 * What a GEMM does to each result before storing it: {@code C = f(alpha * op(A) op(B) + beta * C + bias)},
 * with bias indexed by column (one value per output feature, rows being the batch). Fusing this into the
 * GEMM's final store saves a second pass over C.
 *
 * @param bias       per-column bias, or null for none
 * @param biasOffset index of column 0's bias in {@code bias}
 * @param activation applied last
 */
public record Epilogue(float[] bias, int biasOffset, Activation activation) {

    /** Store the plain GEMM result. */
    public static final Epilogue NONE = new Epilogue(null, 0, Activation.IDENTITY);

    public Epilogue {
        if (activation == null) throw new IllegalArgumentException("activation is null (use IDENTITY)");
        if (biasOffset < 0) throw new IllegalArgumentException("negative bias offset " + biasOffset);
    }

    public static Epilogue bias(float[] bias, Activation activation) {
        return new Epilogue(bias, 0, activation);
    }

    public static Epilogue activation(Activation activation) {
        return new Epilogue(null, 0, activation);
    }

    boolean isNone() {
        return bias == null && activation == Activation.IDENTITY;
    }
}
