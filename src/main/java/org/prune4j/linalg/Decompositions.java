package org.prune4j.linalg;

import org.ojalgo.matrix.decomposition.Cholesky;
import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.decomposition.QR;
import org.ojalgo.matrix.decomposition.SingularValue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.prune4j.util.Prune4jException;

/**
 * Dense decompositions, the only place prune4j calls a linear-algebra library (ojAlgo: about 2× EJML's speed
 * on these machines, see {@code LinalgBenchmark}). Everything is float64; results are returned in prune4j's own
 * {@link DenseMatrix} so the library never leaks into callers.
 */
public final class Decompositions {
    private Decompositions() {}

    /** Thin SVD A = U·diag(s)·Vᵀ with singular values descending: U [m×r], V [n×r], r = min(m, n). */
    public record Svd(DenseMatrix u, double[] s, DenseMatrix v) {}

    /** Symmetric eigendecomposition S = V·diag(values)·Vᵀ, eigenvalues descending, eigenvectors as columns. */
    public record Eigen(double[] values, DenseMatrix vectors) {}

    public static Svd svd(DenseMatrix a) {
        SingularValue<Double> d = SingularValue.R064.make(a.rows(), a.cols());
        if (!d.decompose(store(a))) throw new Prune4jException("SVD did not converge for a " + a.rows() + "x" + a.cols() + " matrix");
        int r = Math.min(a.rows(), a.cols());
        double[] s = new double[r];
        double[] all = new double[(int) d.getSingularValues().count()];
        d.getSingularValues(all);
        System.arraycopy(all, 0, s, 0, Math.min(r, all.length));
        DenseMatrix u = dense(d.getU(), a.rows(), r), v = dense(d.getV(), a.cols(), r);
        return sortSvd(u, s, v);
    }

    public static Eigen symmetricEigen(DenseMatrix s) {
        requireSquare(s, "eigendecomposition");
        Eigenvalue<Double> e = Eigenvalue.R064.make(s.rows(), true);
        if (!e.decompose(store(s))) throw new Prune4jException("eigendecomposition did not converge for a " + s.rows() + "x" + s.rows() + " matrix");
        int n = s.rows();
        double[] values = new double[n];
        MatrixStore<Double> d = e.getD();
        for (int i = 0; i < n; i++) values[i] = d.doubleValue(i, i);
        DenseMatrix v = dense(e.getV(), n, n);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        double[] sv = new double[n];
        DenseMatrix sorted = DenseMatrix.zeros(n, n);
        for (int j = 0; j < n; j++) {
            sv[j] = values[order[j]];
            for (int i = 0; i < n; i++) sorted.set(i, j, v.get(i, order[j]));
        }
        return new Eigen(sv, sorted);
    }

    /** Lower-triangular L with S = L·Lᵀ; fails with one line when S is not symmetric positive definite. */
    public static DenseMatrix cholesky(DenseMatrix s) {
        requireSquare(s, "Cholesky factorisation");
        Cholesky<Double> c = Cholesky.R064.make(s.rows(), s.cols());
        if (!c.decompose(store(s)) || !c.isSPD()) throw new Prune4jException("the matrix is not symmetric positive definite (Cholesky failed)");
        return dense(c.getL(), s.rows(), s.rows());
    }

    /** X with S·X = B for symmetric positive definite S, through its Cholesky factor. */
    public static DenseMatrix solveSpd(DenseMatrix s, DenseMatrix b) {
        DenseMatrix l = cholesky(s);
        int n = s.rows(), m = b.cols();
        DenseMatrix y = b.copy();
        for (int c = 0; c < m; c++) {
            for (int i = 0; i < n; i++) {
                double v = y.get(i, c);
                for (int k = 0; k < i; k++) v -= l.get(i, k) * y.get(k, c);
                y.set(i, c, v / l.get(i, i));
            }
            for (int i = n - 1; i >= 0; i--) {
                double v = y.get(i, c);
                for (int k = i + 1; k < n; k++) v -= l.get(k, i) * y.get(k, c);
                y.set(i, c, v / l.get(i, i));
            }
        }
        return y;
    }

    /** log det S for symmetric positive definite S: 2 Σ log L_ii (the Gaussian entropy term). */
    public static double logDetSpd(DenseMatrix s) {
        DenseMatrix l = cholesky(s);
        double sum = 0;
        for (int i = 0; i < s.rows(); i++) sum += Math.log(l.get(i, i));
        return 2 * sum;
    }

    /**
     * An orthonormal basis [m×n] of A's columns (m ≥ n), by CholeskyQR2: Q = A·L⁻ᵀ with AᵀA = L·Lᵀ, twice (the
     * second pass restores orthogonality to rounding when cond(A) ≲ 1e8), both products on the double GEMM. It is
     * checked (|QᵀQ − I| < 1e-10), and an ill-conditioned A falls back to Householder QR (ojAlgo), whose explicit Q
     * costs 20× more on the tall matrices of the randomized SVD (measured: it was most of a stories260K CanICA layer).
     */
    public static DenseMatrix orthonormalBasis(DenseMatrix a) {
        if (a.rows() < a.cols()) throw new IllegalArgumentException("QR basis needs rows >= cols, got " + a.rows() + "x" + a.cols());
        DenseMatrix q = choleskyQr(a);
        if (q != null) q = choleskyQr(q);
        if (q != null && orthonormal(q, 1e-10)) return q;
        return householderBasis(a);
    }

    /** One CholeskyQR step, or null when AᵀA is not numerically positive definite. */
    private static DenseMatrix choleskyQr(DenseMatrix a) {
        int n = a.cols();
        DenseMatrix l;
        try {
            l = cholesky(a.transposeTimes(a));
        } catch (Prune4jException e) {
            return null;
        }
        // L⁻¹ by forward substitution (n³/3, n ≈ 138), then Q = A·(L⁻¹)ᵀ
        DenseMatrix inv = DenseMatrix.zeros(n, n);
        for (int c = 0; c < n; c++) {
            for (int i = c; i < n; i++) {
                double v = i == c ? 1 : 0;
                for (int k = c; k < i; k++) v -= l.get(i, k) * inv.get(k, c);
                double d = l.get(i, i);
                if (!(d > 0)) return null;
                inv.set(i, c, v / d);
            }
        }
        return a.times(inv.transpose());
    }

    private static boolean orthonormal(DenseMatrix q, double tol) {
        DenseMatrix g = q.transposeTimes(q);
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) {
                double v = g.get(i, j) - (i == j ? 1 : 0);
                if (!(Math.abs(v) < tol)) return false;
            }
        }
        return true;
    }

    /** Householder QR's explicit thin Q (ojAlgo). */
    static DenseMatrix householderBasis(DenseMatrix a) {
        QR<Double> qr = QR.R064.make(a.rows(), a.cols());
        if (!qr.decompose(store(a))) throw new Prune4jException("QR decomposition failed for a " + a.rows() + "x" + a.cols() + " matrix");
        return dense(qr.getQ(), a.rows(), a.cols());
    }

    static R064Store store(DenseMatrix a) {
        R064Store s = R064Store.FACTORY.make(a.rows(), a.cols());
        for (int r = 0; r < a.rows(); r++) for (int c = 0; c < a.cols(); c++) s.set(r, c, a.get(r, c));
        return s;
    }

    private static DenseMatrix dense(MatrixStore<Double> m, int rows, int cols) {
        DenseMatrix out = DenseMatrix.zeros(rows, cols);
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out.set(r, c, m.doubleValue(r, c));
        return out;
    }

    private static Svd sortSvd(DenseMatrix u, double[] s, DenseMatrix v) {
        int r = s.length;
        Integer[] order = new Integer[r];
        for (int i = 0; i < r; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(s[y], s[x]));
        DenseMatrix us = DenseMatrix.zeros(u.rows(), r), vs = DenseMatrix.zeros(v.rows(), r);
        double[] ss = new double[r];
        for (int j = 0; j < r; j++) {
            ss[j] = s[order[j]];
            for (int i = 0; i < u.rows(); i++) us.set(i, j, u.get(i, order[j]));
            for (int i = 0; i < v.rows(); i++) vs.set(i, j, v.get(i, order[j]));
        }
        return new Svd(us, ss, vs);
    }

    private static void requireSquare(DenseMatrix s, String what) {
        if (s.rows() != s.cols()) throw new IllegalArgumentException(what + " needs a square matrix, got " + s.rows() + "x" + s.cols());
    }
}
