package ae4j.vecmath.reference;

import ae4j.vecmath.Activation;
import ae4j.vecmath.Gemm.Op;

/**
 * The scalar twin of {@link ae4j.vecmath.Gemm}: three plain loops with a double accumulator. It is the
 * truth the GEMM tests compare against, and the reference executor's matrix product.
 */
public final class ScalarGemm {

    private ScalarGemm() {}

    /** {@code C = f(alpha * op(A) * op(B) + beta * C + bias)}; bias may be null. */
    public static void gemm(
            Op opA,
            Op opB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int ao,
            int lda,
            float[] b,
            int bo,
            int ldb,
            float beta,
            float[] c,
            int co,
            int ldc,
            float[] bias,
            int biasOffset,
            Activation act) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) elemA(opA, a, ao, lda, i, p) * elemB(opB, b, bo, ldb, p, j);
                double v = alpha * s;
                if (beta != 0f) v += (double) beta * c[co + i * ldc + j];
                if (bias != null) v += bias[biasOffset + j];
                c[co + i * ldc + j] = act.apply((float) v);
            }
        }
    }

    /** For error bounds: sum_p |op(A)[i][p]| * |op(B)[p][j]|. */
    public static double absProduct(
            Op opA, Op opB, int k, float[] a, int ao, int lda, float[] b, int bo, int ldb, int i, int j) {
        double s = 0;
        for (int p = 0; p < k; p++) s += Math.abs((double) elemA(opA, a, ao, lda, i, p) * elemB(opB, b, bo, ldb, p, j));
        return s;
    }

    static float elemA(Op op, float[] a, int ao, int lda, int i, int p) {
        return op == Op.N ? a[ao + i * lda + p] : a[ao + p * lda + i];
    }

    static float elemB(Op op, float[] b, int bo, int ldb, int p, int j) {
        return op == Op.N ? b[bo + p * ldb + j] : b[bo + j * ldb + p];
    }
}
