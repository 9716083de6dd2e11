package org.prune4j.methods.networks;

import org.prune4j.linalg.Decompositions;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.linalg.DoubleGemm;

import java.util.ArrayList;
import java.util.List;

import java.util.SplittableRandom;

/**
 * FastICA with the cube contrast and symmetric decorrelation, as scikit-learn's {@code FastICA(whiten=
 * 'unit-variance', fun='cube')} and the functional-networks authors' GPU port (methods.md §1.3 step 2): samples are
 * rows, features columns. Whitening centres the columns and maps them through K = D⁻¹Pᵀ from the eigen-decomposition
 * of the k × k scatter (P's columns signed by their first entry, as sklearn signs its SVD), scaled so the whitened
 * data has unit covariance; the fixed point W' = dec(E[(WX)³ Xᵀ] − diag(E[3(WX)²]) W) runs until
 * max |⟨W'_i, W_i⟩| deviates from 1 by less than {@code tol}. Sources are standardised to unit variance.
 */
public final class FastIca {
    /**
     * @param sources    [samples × components], each column with unit variance (sklearn's {@code fit_transform})
     * @param unmixing   W·K [components × features]: sources = (X − mean) · (W·K)ᵀ
     * @param iterations fixed-point iterations run
     * @param converged  whether the tolerance was met within the iteration limit
     */
    public record Result(DenseMatrix sources, DenseMatrix unmixing, int iterations, boolean converged) {
        /** Whether every value is finite (a diverging cube contrast overflows to NaN/Inf). */
        public boolean finite() {
            for (double v : sources.data()) if (!Double.isFinite(v)) return false;
            return true;
        }
    }

    private FastIca() {}

    /** A standard normal k × k initial W from a seed (the authors' and sklearn's w_init distribution). */
    public static DenseMatrix gaussianInit(int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DenseMatrix w = DenseMatrix.zeros(k, k);
        for (int i = 0; i < k * k; i++) w.data()[i] = gaussian(r);
        return w;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(), u2 = r.nextDouble(); // (0, 1]: log is finite
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * @param x      [samples × features] (features = components: the data is already reduced)
     * @param wInit  initial unmixing [k × k] before decorrelation
     */
    public static Result run(DenseMatrix x, DenseMatrix wInit, int maxIter, double tol) {
        return whiten(x).run(wInit, maxIter, tol);
    }

    /** Centres and whitens x once, for several runs from different initial W (CanICA's restarts). */
    public static Whitened whiten(DenseMatrix x) {
        int n = x.rows(), k = x.cols();
        if (n < k) throw new IllegalArgumentException("FastICA needs at least as many samples (" + n + ") as components (" + k + ")");
        DenseMatrix centred = centre(x);
        DenseMatrix kMat = whitening(centred); // k × k
        // X1 = √n · K · Aᵀ  [k × n]
        DenseMatrix x1 = kMat.times(centred.transpose());
        double sq = Math.sqrt(n);
        for (int i = 0; i < x1.data().length; i++) x1.data()[i] *= sq;
        return new Whitened(centred, kMat, x1, x1.transpose());
    }

    /** A whitened problem: the centred data, K, X1 = √n·K·Aᵀ and its transpose, shared by every run. */
    public record Whitened(DenseMatrix centred, DenseMatrix kMat, DenseMatrix x1, DenseMatrix x1t) {
        public Result run(DenseMatrix wInit, int maxIter, double tol) {
            return runAll(List.of(wInit), maxIter, tol).get(0);
        }

        /**
         * Runs several restarts at once. Their W's are stacked into one (R·k × k) matrix, so each iteration's two
         * products are one wide GEMM each instead of R narrow ones (a k = 128 product reads all of X1 to do little
         * work per element; stacked, every X1 panel loaded serves R·k rows). A restart leaves the stack when it
         * converges or turns NaN. Each restart's numbers are exactly those of a run alone: the GEMM sums every
         * element of C in k order whatever rows share its tile.
         */
        public List<Result> runAll(List<DenseMatrix> inits, int maxIter, double tol) {
            int n = x1.cols(), k = x1.rows(), r = inits.size();
            DenseMatrix[] w = new DenseMatrix[r];
            int[] iterations = new int[r];
            boolean[] converged = new boolean[r], done = new boolean[r];
            for (int i = 0; i < r; i++) {
                DenseMatrix init = inits.get(i);
                if (init.rows() != k || init.cols() != k) throw new IllegalArgumentException("w_init must be " + k + "x" + k);
                w[i] = decorrelate(init);
            }
            // Buffers for the whole run: fresh products every iteration (over 100 MB at 1B scale) would outlive the
            // survivor space at each young collection and pile up in the old generation.
            if ((long) r * k * n > Integer.MAX_VALUE) throw new IllegalArgumentException(r + " restarts x " + k + " components x " + n + " samples exceed one array");
            double[] stack = new double[r * k * k], gy = new double[r * k * n], next = new double[r * k * k], meanDeriv = new double[r * k];
            int[] active = new int[r];
            for (int it = 1; it <= maxIter; it++) {
                int a = 0;
                for (int i = 0; i < r; i++) if (!done[i]) active[a++] = i;
                if (a == 0) break;
                for (int j = 0; j < a; j++) System.arraycopy(w[active[j]].data(), 0, stack, j * k * k, k * k);
                int rows = a * k;
                DoubleGemm.multiply(stack, rows, k, x1.data(), n, gy, DoubleGemm.shared()); // Y = W·X1, then g(Y) = Y³ in place
                DoubleGemm.forEach(rows, (long) rows * n, row -> meanDeriv[row] = cube(gy, row * n, n));
                DoubleGemm.multiply(gy, rows, n, x1t.data(), k, next, DoubleGemm.shared()); // g(Y)·X1ᵀ
                final int step = it, count = a;
                DoubleGemm.forEach(count, (long) count * k * k * k * 20, j -> {
                    int i = active[j];
                    DenseMatrix wi = w[i], upd = DenseMatrix.zeros(k, k);
                    for (int p = 0; p < k; p++) {
                        for (int q = 0; q < k; q++) upd.set(p, q, next[j * k * k + p * k + q] / n - meanDeriv[j * k + p] * wi.get(p, q));
                    }
                    DenseMatrix wNext = decorrelate(upd);
                    double lim = 0;
                    for (int p = 0; p < k; p++) {
                        double dot = 0;
                        for (int q = 0; q < k; q++) dot += wNext.get(p, q) * wi.get(p, q);
                        lim = Math.max(lim, Math.abs(Math.abs(dot) - 1));
                    }
                    w[i] = wNext;
                    iterations[i] = step;
                    if (!(lim >= tol)) { // also stops on NaN: the caller sees non-finite sources
                        converged[i] = lim < tol;
                        done[i] = true;
                    }
                });
            }
            List<Result> out = new ArrayList<>(r);
            for (int i = 0; i < r; i++) out.add(result(w[i], iterations[i], converged[i]));
            return out;
        }

        private Result result(DenseMatrix w, int iterations, boolean converged) {
            int n = centred.rows(), k = kMat.rows();
            DenseMatrix unmixing = w.times(kMat);
            DenseMatrix s = centred.times(unmixing.transpose()); // n × k
            for (int j = 0; j < k; j++) {
                double mean = 0, var = 0;
                for (int t = 0; t < n; t++) mean += s.get(t, j);
                mean /= n;
                for (int t = 0; t < n; t++) var += (s.get(t, j) - mean) * (s.get(t, j) - mean);
                double sd = Math.sqrt(var / n);
                for (int t = 0; t < n; t++) s.set(t, j, s.get(t, j) / sd);
            }
            return new Result(s, unmixing, iterations, converged);
        }
    }

    /** Cubes y[from, from+n) in place and returns the mean of the derivative 3y² (before cubing). */
    private static double cube(double[] y, int from, int n) {
        double acc = 0;
        for (int t = from, end = from + n; t < end; t++) {
            double v = y[t];
            y[t] = v * v * v;
            acc += 3 * v * v;
        }
        return acc / n;
    }

    private static DenseMatrix centre(DenseMatrix x) {
        int n = x.rows(), k = x.cols();
        DenseMatrix c = x.copy();
        for (int j = 0; j < k; j++) {
            double mean = 0;
            for (int t = 0; t < n; t++) mean += x.get(t, j);
            mean /= n;
            for (int t = 0; t < n; t++) c.set(t, j, x.get(t, j) - mean);
        }
        return c;
    }

    /**
     * K = D⁻¹Pᵀ with Aᵀ = P·D·Qᵀ, from the eigen-decomposition AᵀA = P·D²·Pᵀ (k × k instead of an SVD of the k × n
     * data), columns of P signed so their first entry is positive.
     */
    static DenseMatrix whitening(DenseMatrix centred) {
        int k = centred.cols();
        Decompositions.Eigen e = Decompositions.symmetricEigen(centred.transposeTimes(centred));
        DenseMatrix kMat = DenseMatrix.zeros(k, k);
        for (int c = 0; c < k; c++) {
            double sign = Math.signum(e.vectors().get(0, c));
            if (sign == 0) sign = 1;
            double d = Math.sqrt(Math.max(e.values()[c], 0));
            if (!(d > 0)) throw new IllegalArgumentException("the data has rank below " + k + " components: whitening is undefined");
            for (int r = 0; r < k; r++) kMat.set(c, r, sign * e.vectors().get(r, c) / d);
        }
        return kMat;
    }

    /**
     * (W·Wᵀ)^(−1/2)·W, eigenvalues clamped at the smallest positive double (sklearn's tiny). Its products run on
     * the calling thread: restarts decorrelate side by side.
     */
    static DenseMatrix decorrelate(DenseMatrix w) {
        int k = w.rows();
        Decompositions.Eigen e = Decompositions.symmetricEigen(product(w, w.transpose()));
        DenseMatrix u = e.vectors();
        DenseMatrix scaled = DenseMatrix.zeros(k, k);
        for (int c = 0; c < k; c++) {
            double s = 1 / Math.sqrt(Math.max(e.values()[c], Double.MIN_NORMAL));
            for (int r = 0; r < k; r++) scaled.set(r, c, u.get(r, c) * s);
        }
        return product(product(scaled, u.transpose()), w);
    }

    private static DenseMatrix product(DenseMatrix a, DenseMatrix b) {
        DenseMatrix c = DenseMatrix.zeros(a.rows(), b.cols());
        DoubleGemm.multiply(a.data(), a.rows(), a.cols(), b.data(), b.cols(), c.data(), null);
        return c;
    }
}
