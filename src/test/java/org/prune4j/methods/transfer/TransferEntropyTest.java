package org.prune4j.methods.transfer;

import org.prune4j.methods.transfer.ModuleInteractions;
import org.prune4j.methods.transfer.TransferEntropy;

import org.junit.jupiter.api.Test;
import org.prune4j.kernel.Parallel;
import org.prune4j.linalg.Decompositions;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.util.Prune4jException;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Gaussian transfer-entropy estimator on simulated linear-Gaussian VAR(1) processes whose TE is known in closed
 * form (stationary covariance from the Lyapunov equation, conditional covariances by ojAlgo's solver, not the
 * estimator's own Cholesky): coupled series within 2 %, uncoupled ≈ 0, always non-negative, singular blocks
 * regularised and counted, too-short windows refused.
 */
class TransferEntropyTest {
    /** Z[t+1] = A·Z[t] + e, e ~ N(0, I·noise²); Z = [X (r) | Y (r)], X drives Y through the block c. */
    record Var1(DenseMatrix a, double noise, int r) {
        float[][] simulate(int n, long seed) {
            Random rnd = new Random(seed);
            int k = 2 * r;
            double[] z = new double[k], next = new double[k];
            float[] x = new float[n * r], y = new float[n * r];
            for (int t = -200; t < n; t++) {
                for (int i = 0; i < k; i++) {
                    double v = noise * rnd.nextGaussian();
                    for (int j = 0; j < k; j++) v += a.get(i, j) * z[j];
                    next[i] = v;
                }
                System.arraycopy(next, 0, z, 0, k);
                if (t < 0) continue;
                for (int c = 0; c < r; c++) {
                    x[t * r + c] = (float) z[c];
                    y[t * r + c] = (float) z[r + c];
                }
            }
            return new float[][] {x, y};
        }

        /** Analytic TE X→Y = ½ ln det Σ(Y⁺|Y) / det Σ(Y⁺|Y,X); Σ(Y⁺|Y,X) is the noise, Σ(Y⁺|Y) adds A_YX Var(X|Y) A_YXᵀ. */
        double analyticTe() {
            int k = 2 * r;
            DenseMatrix s = DenseMatrix.identity(k);
            for (int it = 0; it < 5000; it++) { // Σ = AΣAᵀ + Q, a contraction for a stable A
                DenseMatrix nx = a.times(s).times(a.transpose());
                for (int i = 0; i < k; i++) nx.set(i, i, nx.get(i, i) + noise * noise);
                s = nx;
            }
            DenseMatrix sxx = block(s, 0, 0), sxy = block(s, 0, r), syy = block(s, r, r);
            DenseMatrix condX = sub(sxx, sxy.times(Decompositions.solveSpd(syy, sxy.transpose())));
            DenseMatrix ayx = block(a, r, 0);
            DenseMatrix own = ayx.times(condX).times(ayx.transpose());
            for (int i = 0; i < r; i++) own.set(i, i, own.get(i, i) + noise * noise);
            DenseMatrix full = DenseMatrix.identity(r);
            for (int i = 0; i < r; i++) full.set(i, i, noise * noise);
            return 0.5 * (Decompositions.logDetSpd(own) - Decompositions.logDetSpd(full));
        }

        private DenseMatrix block(DenseMatrix m, int r0, int c0) {
            DenseMatrix b = DenseMatrix.zeros(r, r);
            for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) b.set(i, j, m.get(r0 + i, c0 + j));
            return b;
        }

        private static DenseMatrix sub(DenseMatrix x, DenseMatrix y) {
            DenseMatrix o = x.copy();
            for (int i = 0; i < o.data().length; i++) o.data()[i] -= y.data()[i];
            return o;
        }
    }

    static Var1 coupled(int r, double coupling, long seed) {
        Random rnd = new Random(seed);
        int k = 2 * r;
        DenseMatrix a = DenseMatrix.zeros(k, k);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                a.set(i, j, (i == j ? 0.5 : 0) + 0.1 * rnd.nextGaussian());           // X's own dynamics
                a.set(r + i, r + j, (i == j ? 0.4 : 0) + 0.1 * rnd.nextGaussian());   // Y's own dynamics
                a.set(r + i, j, coupling * (i == j ? 1 : 0.3 * rnd.nextGaussian()));   // X → Y
            }
        }
        return new Var1(a, 1.0, r);
    }

    static TransferEntropy.Result estimate(float[][] modules, int n, int r) {
        try (Parallel par = new Parallel(2)) {
            return TransferEntropy.estimate(java.util.Collections.singletonList(modules), new int[] {n}, r, par);
        }
    }

    @Test
    void coupledVarMatchesTheAnalyticValue() {
        int n = 300_000;
        for (int r : new int[] {1, 2, 4}) {
            Var1 v = coupled(r, 0.6, 10 + r);
            float[][] s = v.simulate(n, 3 + r);
            double want = v.analyticTe();
            double got = estimate(s, n, r).te()[0][1];
            System.out.printf("VAR(1) r=%d: TE X→Y estimated %.5f, analytic %.5f (%.2f%%)%n", r, got, want, 100 * (got - want) / want);
            assertThat(want).isGreaterThan(0.05);
            assertThat(Math.abs(got - want) / want).isLessThan(0.02);
            // Y does not drive X: in the order [Y, X] the estimate of Y→X is the small-sample bias, r²/(2n).
            double reverse = estimate(new float[][] {s[1], s[0]}, n, r).te()[0][1];
            assertThat(reverse).isGreaterThanOrEqualTo(0).isLessThan(5.0 * r * r / (2.0 * n) + 2e-4);
        }
    }

    @Test
    void independentSeriesGiveNearZero() {
        int n = 200_000, r = 3;
        Var1 v = coupled(r, 0.0, 5);
        float[][] s = v.simulate(n, 9);
        assertThat(v.analyticTe()).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-12));
        double te = estimate(s, n, r).te()[0][1];
        System.out.printf("independent r=%d: TE %.2e (bias r²/2n = %.2e)%n", r, te, r * r / (2.0 * n));
        assertThat(te).isGreaterThanOrEqualTo(0).isLessThan(1e-3);
    }

    @Test
    void estimatesAreNonNegativeEvenOnShortWindows() {
        Random rnd = new Random(4);
        int r = 4, n = TransferEntropy.minTokens(r), m = 6;
        for (int trial = 0; trial < 50; trial++) {
            float[][] mods = new float[m][n * r];
            for (float[] s : mods) for (int i = 0; i < s.length; i++) s[i] = (float) rnd.nextGaussian();
            TransferEntropy.Result res = estimate(mods, n, r);
            for (int a = 0; a < m; a++) {
                for (int b = 0; b < m; b++) {
                    double v = res.te()[a][b];
                    assertThat(v).isGreaterThanOrEqualTo(0).isFinite();
                    if (a >= b) assertThat(v).isZero();
                }
            }
            assertThat(res.estimates()).isEqualTo(m * (m - 1) / 2);
        }
    }

    @Test
    void constantModulesAreRegularisedAndCounted() {
        int n = 200, r = 2;
        float[][] s = coupled(r, 0.5, 1).simulate(n, 2);
        float[][] mods = {s[0], new float[n * r], s[1]}; // module 1 is silent (all zeros)
        TransferEntropy.Result res = estimate(mods, n, r);
        assertThat(res.regularised()).isEqualTo(2); // the pairs 0→1 and 1→2
        assertThat(res.te()[0][1]).isFinite().isLessThan(1e-6);
        assertThat(res.te()[1][2]).isFinite().isLessThan(1e-6);
        assertThat(res.te()[0][2]).isGreaterThan(0.05);
    }

    @Test
    void windowsTooShortForTheDimensionAreRefused() {
        int r = 4, n = TransferEntropy.minTokens(r) - 1;
        float[][] mods = {new float[n * r], new float[n * r]};
        assertThatThrownBy(() -> estimate(mods, n, r)).isInstanceOf(Prune4jException.class)
                .hasMessageContaining("at least " + (n + 1) + " tokens").hasMessageContaining("window 0 has " + n);
    }

    @Test
    void importanceRules() {
        double[][] te = new double[5][5];
        te[0][1] = 1; te[0][2] = 2; te[0][3] = 3; te[1][2] = 4; te[2][3] = 5; te[0][4] = 7; te[1][4] = 8; te[2][4] = 9; te[3][4] = 10;
        assertThat(ModuleInteractions.importance(te, 2, ModuleInteractions.Importance.DOWNSTREAM)).containsExactly(6, 4, 5, 0);
        assertThat(ModuleInteractions.importance(te, 2, ModuleInteractions.Importance.DOWNSTREAM_MEAN)).containsExactly(2, 2, 5, 0);
        assertThat(ModuleInteractions.importance(te, 2, ModuleInteractions.Importance.FINAL)).containsExactly(7, 8, 9, 10);
    }
}
