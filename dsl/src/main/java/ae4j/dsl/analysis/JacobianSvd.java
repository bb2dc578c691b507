package ae4j.dsl.analysis;

import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/** The SVD of one encoder Jacobian (EJML): singular values, largest first, and the matching right singular vectors. */
public record JacobianSvd(double[] singularValues, double[][] rightVectors) {

    /**
     * The SVD of a row-major rows x cols matrix; {@code rightVectors[i]} (cols values, unit norm) belongs
     * to {@code singularValues[i]}; there are min(rows, cols) of each. Right vectors only when asked.
     */
    public static JacobianSvd of(double[] j, int rows, int cols, boolean needV) {
        DMatrixRMaj a = new DMatrixRMaj(rows, cols, true, j);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, false, needV, true);
        if (!svd.decompose(a)) throw new IllegalStateException("SVD did not converge");
        int m = svd.numberOfSingularValues();
        double[] w = Arrays.copyOf(svd.getSingularValues(), m);
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -w[i]));
        double[] sorted = new double[m];
        double[][] v = needV ? new double[m][cols] : null;
        DMatrixRMaj vm = needV ? svd.getV(null, false) : null; // cols x m
        for (int i = 0; i < m; i++) {
            sorted[i] = w[order[i]];
            if (needV) for (int c = 0; c < cols; c++) v[i][c] = vm.get(c, order[i]);
        }
        return new JacobianSvd(sorted, v);
    }
}
