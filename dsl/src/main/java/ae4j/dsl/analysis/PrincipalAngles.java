package ae4j.dsl.analysis;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Principal angles between two subspaces of R^d (Björck and Golub): orthonormalise a basis of each with a QR
 * decomposition, then the singular values of Qa^T Qb are the cosines of the angles. A subspace is given as
 * a d x m matrix whose columns span it (they need not be orthonormal, only independent). All angles are
 * in degrees, smallest first; there are min(ma, mb) of them.
 */
public final class PrincipalAngles {

    private PrincipalAngles() {}

    /** The principal angles in degrees, ascending. */
    public static double[] degrees(DMatrixRMaj a, DMatrixRMaj b) {
        if (a.numRows != b.numRows) {
            throw new IllegalArgumentException("subspaces of R^" + a.numRows + " and R^" + b.numRows);
        }
        DMatrixRMaj qa = orthonormal(a);
        DMatrixRMaj qb = orthonormal(b);
        if (qb.numCols > qa.numCols) {
            DMatrixRMaj t = qa;
            qa = qb;
            qb = t;
        }
        int m = qb.numCols;
        // Cosines: singular values of Qa^T Qb. Sines: singular values of (I - Qa Qa^T) Qb. acos loses half the
        // digits near 0 degrees and asin near 90, so each angle comes from the better-conditioned of the two.
        DMatrixRMaj c = new DMatrixRMaj(qa.numCols, m);
        CommonOps_DDRM.multTransA(qa, qb, c);
        DMatrixRMaj r = qb.copy();
        DMatrixRMaj proj = new DMatrixRMaj(qa.numRows, m);
        CommonOps_DDRM.mult(qa, c, proj);
        CommonOps_DDRM.subtractEquals(r, proj);
        double[] cos = singularValues(c, m);
        double[] sin = singularValues(r, m);
        java.util.Arrays.sort(cos); // ascending cosines: the largest angle first
        java.util.Arrays.sort(sin); // ascending sines: the smallest angle first
        double[] deg = new double[m];
        for (int i = 0; i < m; i++) {
            double co = Math.max(0, Math.min(1, cos[m - 1 - i]));
            double si = Math.max(0, Math.min(1, sin[i]));
            deg[i] = Math.toDegrees(co > Math.sqrt(0.5) ? Math.asin(si) : Math.acos(co));
        }
        java.util.Arrays.sort(deg);
        return deg;
    }

    private static double[] singularValues(DMatrixRMaj x, int m) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(x.numRows, x.numCols, false, false, true);
        if (!svd.decompose(x.copy())) throw new IllegalStateException("SVD failed");
        double[] s = svd.getSingularValues();
        double[] out = new double[m];
        System.arraycopy(s, 0, out, 0, Math.min(m, s.length));
        return out;
    }

    /** The largest principal angle in degrees (0 when one subspace contains the other). */
    public static double largest(DMatrixRMaj a, DMatrixRMaj b) {
        double[] d = degrees(a, b);
        return d[d.length - 1];
    }

    /** The mean principal angle in degrees. */
    public static double mean(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        double[] d = degrees(a, b);
        for (double v : d) s += v;
        return s / d.length;
    }

    /** An orthonormal basis (d x m, thin Q of a QR decomposition) of the column space of {@code a}. */
    public static DMatrixRMaj orthonormal(DMatrixRMaj a) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(a.numRows, a.numCols);
        if (!qr.decompose(a.copy())) throw new IllegalStateException("QR failed");
        return qr.getQ(null, true);
    }

    /** The d x m matrix whose columns are the given vectors (each of length d). */
    public static DMatrixRMaj columns(double[]... vectors) {
        int d = vectors[0].length;
        DMatrixRMaj m = new DMatrixRMaj(d, vectors.length);
        for (int j = 0; j < vectors.length; j++) {
            if (vectors[j].length != d)
                throw new IllegalArgumentException("vectors of lengths " + d + " and " + vectors[j].length);
            for (int i = 0; i < d; i++) m.set(i, j, vectors[j][i]);
        }
        return m;
    }

    /** The d x m matrix whose columns are the given float vectors. */
    public static DMatrixRMaj columns(float[]... vectors) {
        double[][] v = new double[vectors.length][];
        for (int j = 0; j < vectors.length; j++) {
            v[j] = new double[vectors[j].length];
            for (int i = 0; i < v[j].length; i++) v[j][i] = vectors[j][i];
        }
        return columns(v);
    }

    /** The known tangent plane of example i of a data set with tangents (d x tangentCount). */
    public static DMatrixRMaj trueTangents(ae4j.dsl.data.Dataset data, int i) {
        float[][] t = new float[data.tangentCount()][];
        for (int j = 0; j < t.length; j++) t[j] = data.tangent(i, j);
        return columns(t);
    }
}
