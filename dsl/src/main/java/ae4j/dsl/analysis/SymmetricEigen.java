package ae4j.dsl.analysis;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/** The eigenpairs of a dense symmetric matrix (EJML), sorted by eigenvalue, largest first. */
record SymmetricEigen(double[] values, double[][] vectors) {

    /** All eigenpairs of the symmetric n x n matrix a (row-major; only made exactly symmetric here). */
    static SymmetricEigen of(double[] a, int n, String what) {
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = 0.5 * (a[i * n + j] + a[j * n + i]);
                m.unsafe_set(i, j, v);
                m.unsafe_set(j, i, v);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m))
            throw new IllegalStateException(
                    "the eigendecomposition of the " + n + " x " + n + " " + what + " did not converge");
        Integer[] order = new Integer[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            values[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(order, (p, q) -> Double.compare(values[q], values[p]));
        double[] sorted = new double[n];
        double[][] vectors = new double[n][];
        for (int p = 0; p < n; p++) {
            sorted[p] = values[order[p]];
            DMatrixRMaj v = eig.getEigenVector(order[p]);
            double norm = 0;
            for (int j = 0; j < n; j++) norm += v.get(j, 0) * v.get(j, 0);
            norm = Math.sqrt(norm);
            vectors[p] = new double[n];
            for (int j = 0; j < n; j++) vectors[p][j] = v.get(j, 0) / norm;
        }
        return new SymmetricEigen(sorted, vectors);
    }
}
