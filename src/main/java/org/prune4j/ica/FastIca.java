package org.prune4j.ica;

import org.prune4j.linalg.Decompositions;
import org.prune4j.linalg.DenseMatrix;

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
            int n = x1.cols(), k = x1.rows();
            if (wInit.rows() != k || wInit.cols() != k) throw new IllegalArgumentException("w_init must be " + k + "x" + k);
            // One k × n buffer for the whole run: fresh products every iteration (tens of MB at 1B scale) would
            // outlive the survivor space at each young collection and pile up in the old generation.
            DenseMatrix w = decorrelate(wInit), next = DenseMatrix.zeros(k, k), gy = DenseMatrix.zeros(k, n);
            int it = 0;
            boolean converged = false;
            while (it < maxIter) {
                it++;
                w.timesInto(x1, gy); // Y = W·X1, k × n, then g(Y) = Y³ in place
                double[] meanDeriv = new double[k], g = gy.data();
                for (int i = 0; i < k; i++) {
                    double acc = 0;
                    for (int t = i * n, end = t + n; t < end; t++) {
                        double v = g[t];
                        g[t] = v * v * v;
                        acc += 3 * v * v;
                    }
                    meanDeriv[i] = acc / n;
                }
                gy.timesInto(x1t, next); // k × k
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) next.set(i, j, next.get(i, j) / n - meanDeriv[i] * w.get(i, j));
                }
                DenseMatrix wNext = decorrelate(next);
                double lim = 0;
                for (int i = 0; i < k; i++) {
                    double dot = 0;
                    for (int j = 0; j < k; j++) dot += wNext.get(i, j) * w.get(i, j);
                    lim = Math.max(lim, Math.abs(Math.abs(dot) - 1));
                }
                w = wNext;
                if (!(lim >= tol)) { // also stops on NaN: the caller sees non-finite sources
                    converged = lim < tol;
                    break;
                }
            }
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
            return new Result(s, unmixing, it, converged);
        }
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

    /** (W·Wᵀ)^(−1/2)·W, eigenvalues clamped at the smallest positive double (sklearn's tiny). */
    static DenseMatrix decorrelate(DenseMatrix w) {
        int k = w.rows();
        Decompositions.Eigen e = Decompositions.symmetricEigen(w.times(w.transpose()));
        DenseMatrix u = e.vectors();
        DenseMatrix scaled = DenseMatrix.zeros(k, k);
        for (int c = 0; c < k; c++) {
            double s = 1 / Math.sqrt(Math.max(e.values()[c], Double.MIN_NORMAL));
            for (int r = 0; r < k; r++) scaled.set(r, c, u.get(r, c) * s);
        }
        return scaled.times(u.transpose()).times(w);
    }
}
