package org.prune4j.linalg;

import org.junit.jupiter.api.Test;
import org.prune4j.util.Prune4jException;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Closed-form checks of the decompositions: reconstruction, orthogonality, known spectra, solves. */
class DecompositionsTest {
    private static DenseMatrix random(int r, int c, long seed) {
        Random rnd = new Random(seed);
        DenseMatrix m = DenseMatrix.zeros(r, c);
        for (int i = 0; i < m.data().length; i++) m.data()[i] = rnd.nextGaussian();
        return m;
    }

    private static DenseMatrix diagTimes(DenseMatrix u, double[] s) {
        DenseMatrix out = u.copy();
        for (int i = 0; i < u.rows(); i++) for (int j = 0; j < s.length; j++) out.set(i, j, u.get(i, j) * s[j]);
        return out;
    }

    @Test
    void thinSvdReconstructsAndIsOrthonormal() {
        DenseMatrix a = random(60, 25, 1);
        Decompositions.Svd svd = Decompositions.svd(a);
        assertThat(diagTimes(svd.u(), svd.s()).times(svd.v().transpose()).maxAbsDiff(a)).isLessThan(1e-10);
        assertThat(svd.u().transposeTimes(svd.u()).maxAbsDiff(DenseMatrix.identity(25))).isLessThan(1e-10);
        assertThat(svd.v().transposeTimes(svd.v()).maxAbsDiff(DenseMatrix.identity(25))).isLessThan(1e-10);
        for (int i = 1; i < svd.s().length; i++) assertThat(svd.s()[i]).isLessThanOrEqualTo(svd.s()[i - 1]);
    }

    @Test
    void symmetricEigenFindsAPlantedSpectrum() {
        // S = Q diag(5, 4, ..., 1) Qᵀ with a random orthonormal Q: the eigenvalues are known exactly.
        DenseMatrix q = Decompositions.orthonormalBasis(random(5, 5, 2));
        double[] lambda = {5, 4, 3, 2, 1};
        DenseMatrix s = diagTimes(q, lambda).times(q.transpose());
        Decompositions.Eigen e = Decompositions.symmetricEigen(s);
        for (int i = 0; i < 5; i++) assertThat(e.values()[i]).isCloseTo(lambda[i], org.assertj.core.data.Offset.offset(1e-10));
        assertThat(diagTimes(e.vectors(), e.values()).times(e.vectors().transpose()).maxAbsDiff(s)).isLessThan(1e-10);
    }

    /**
     * The orthonormal basis (CholeskyQR2, Householder fallback): orthonormal and spanning A's columns (A = Q·QᵀA),
     * for a well-conditioned tall matrix and for one with condition number ~1e12, which CholeskyQR cannot take.
     */
    @Test
    void orthonormalBasisSpansTheColumnsAtAnyConditioning() {
        DenseMatrix good = random(3000, 40, 8);
        DenseMatrix bad = random(500, 12, 9);
        for (int c = 0; c < 12; c++) for (int r = 0; r < 500; r++) bad.set(r, c, bad.get(r, c) * Math.pow(10, -c)); // cond ~1e11-1e12
        for (DenseMatrix a : new DenseMatrix[]{good, bad}) {
            DenseMatrix q = Decompositions.orthonormalBasis(a);
            assertThat(q.transposeTimes(q).maxAbsDiff(DenseMatrix.identity(a.cols()))).isLessThan(1e-12);
            double scale = 0;
            for (double v : a.data()) scale = Math.max(scale, Math.abs(v));
            assertThat(q.times(q.transposeTimes(a)).maxAbsDiff(a)).isLessThan(1e-12 * scale);
        }
        // the fast path and Householder span the same space: |Q₁ᵀQ₂| has singular values 1
        DenseMatrix q1 = Decompositions.orthonormalBasis(good), q2 = Decompositions.householderBasis(good);
        for (double c : Decompositions.svd(q1.transposeTimes(q2)).s()) assertThat(c).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void choleskySolvesAndLogDet() {
        DenseMatrix a = random(30, 8, 3);
        DenseMatrix s = a.transposeTimes(a); // SPD with probability 1
        DenseMatrix l = Decompositions.cholesky(s);
        assertThat(l.times(l.transpose()).maxAbsDiff(s)).isLessThan(1e-10);
        DenseMatrix b = random(8, 3, 4);
        assertThat(s.times(Decompositions.solveSpd(s, b)).maxAbsDiff(b)).isLessThan(1e-9);
        double logDet = 0;
        for (double v : Decompositions.symmetricEigen(s).values()) logDet += Math.log(v);
        assertThat(Decompositions.logDetSpd(s)).isCloseTo(logDet, org.assertj.core.data.Offset.offset(1e-9));
        DenseMatrix notSpd = DenseMatrix.identity(3);
        notSpd.set(2, 2, -1);
        assertThatThrownBy(() -> Decompositions.cholesky(notSpd)).isInstanceOf(Prune4jException.class).hasMessageContaining("not symmetric positive definite");
    }

    @Test
    void randomizedSvdMatchesTheExactTopSubspaceOfALowRankMatrix() {
        // Rank-6 signal plus small noise: the top-6 subspace is well separated, so principal angles are tiny.
        DenseMatrix a = random(200, 6, 5).times(random(6, 80, 6));
        DenseMatrix noise = random(200, 80, 7);
        for (int i = 0; i < a.data().length; i++) a.data()[i] += 1e-3 * noise.data()[i];
        Decompositions.Svd exact = Decompositions.svd(a), approx = RandomizedSvd.topK(a, 6, 10, 4, 0);
        for (int i = 0; i < 6; i++) assertThat(approx.s()[i]).isCloseTo(exact.s()[i], org.assertj.core.data.Offset.offset(1e-8 * exact.s()[0]));
        // cos of principal angles = singular values of V_exactᵀ V_approx: all 1 for identical subspaces.
        double[] cos = Decompositions.svd(exact.v().columns(0, 6).transposeTimes(approx.v())).s();
        for (double c : cos) assertThat(Math.acos(Math.min(1, c))).isLessThan(1e-6);
        Decompositions.Svd again = RandomizedSvd.topK(a, 6, 10, 4, 0);
        assertThat(again.u()).isEqualTo(approx.u());
    }
}
