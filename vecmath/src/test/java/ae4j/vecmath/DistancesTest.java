package ae4j.vecmath;

import static ae4j.vecmath.KernelChecks.U;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import ae4j.vecmath.reference.ScalarDistances;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The blocked squared distances against their scalar twin (direct differences in double). The expansion's
 * error bound: the dot product is a float GEMM ({@code |err| <= d * U * sum|a_c b_c| <= d * U * (||a||^2 +
 * ||b||^2) / 2}, times 2), plus three roundings of the sum and the norms' own rounding, so
 * {@code |err| <= (d + 4) * U * (||a||^2 + ||b||^2)}; the twin's float rounding adds {@code U * result}.
 */
class DistancesTest {

    @ParameterizedTest
    @CsvSource({"1,1,0,1", "7,3,2,3", "33,17,0,33", "100,64,17,40", "257,5,250,7", "300,100,0,300"})
    void blockMatchesTheScalarTwin(int n, int d, int from, int rows) {
        Random r = new Random(31L * n + d);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = KernelChecks.value(r);
        float[] norms = new float[n], refNorms = new float[n];
        Distances.rowNorms(n, d, x, norms);
        ScalarDistances.rowNorms(n, d, x, refNorms);
        // Norms.l2sq sums float partials: |err| <= (d + 1) * U * ||x||^2, plus the rounding to float
        for (int i = 0; i < n; i++) assertEquals(refNorms[i], norms[i], (d + 2) * U * refNorms[i], "norm of row " + i);
        float[] out = new float[rows * n], ref = new float[rows * n];
        Distances.squaredBlock(from, rows, n, d, x, norms, out);
        ScalarDistances.squaredBlock(from, rows, n, d, x, refNorms, ref);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                double tol = (d + 4) * U * ((double) norms[from + i] + norms[j]) + U * ref[i * n + j];
                double err = Math.abs(out[i * n + j] - (double) ref[i * n + j]);
                if (err > tol || out[i * n + j] < 0)
                    fail("distance (" + (from + i) + ", " + j + "): " + out[i * n + j] + " vs " + ref[i * n + j]
                            + ", error " + err + " > " + tol);
            }
            assertEquals(0f, out[i * n + from + i], "a row's distance to itself");
        }
    }

    @ParameterizedTest
    @CsvSource({"10,3,8,3", "10,3,-1,2"})
    void rejectsRowsOutsideTheData(int n, int d, int from, int rows) {
        float[] x = new float[n * d], norms = new float[n], out = new float[Math.max(0, rows) * n];
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Distances.squaredBlock(from, rows, n, d, x, norms, out));
        if (!e.getMessage().contains("not within")) fail("unclear message: " + e.getMessage());
    }
}
