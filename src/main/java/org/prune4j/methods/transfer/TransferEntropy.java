package org.prune4j.methods.transfer;

import org.prune4j.kernel.Parallel;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.util.Prune4jException;

import java.util.List;

/**
 * Gaussian (linear) transfer entropy between module output series, tokens as time, history 1 (methods.md §3.2):
 * TE_{a→b} = I(Y_b[t+1]; Y_a[t] | Y_b[t]) = ½ ln( det Σ(Y⁺|Y) / det Σ(Y⁺|Y,X) ), Σ(A|B) = Σ_AA − Σ_AB Σ_BB⁻¹ Σ_BA.
 *
 * <p>Per window, one covariance of all modules' [present | next] states is formed (its (t, t+1) pairs centred over
 * the window), and every ordered pair a &lt; b reads its 3r × 3r block from it: ordered [Y_b, Y_a, Y_b⁺], one Cholesky
 * gives ln det Σ(Y⁺|Y,X) as the log of its last r squared pivots, and the [Y_b, Y_b⁺] block gives ln det Σ(Y⁺|Y).
 * Both come from the same positive definite block, so the estimate is non-negative up to rounding (clamped at 0).
 * A block that is singular (a constant module, fewer tokens than dimensions) gets a ridge of 1e-6 of its mean
 * variance on the diagonal and is counted, so the report can say how often that happened. The per-window TE
 * matrices are averaged in window order (deterministic for any thread count).
 *
 * <p>The estimator is invariant to invertible linear maps of each module's r-dim series (scale, rotation), so the
 * PCA's scaling and sign do not matter. Its small-sample bias is about r²/(2n) nats for n tokens, the same for
 * every pair.
 */
public final class TransferEntropy {
    /** Relative size of a pivot (conditional variance / variance) below which a block counts as singular. */
    static final double SINGULAR = 1e-12;
    static final double RIDGE = 1e-6;

    /**
     * @param te           [modules × modules]; te[a][b] for a &lt; b, the mean over windows; entries a ≥ b are 0
     * @param windows      windows averaged
     * @param regularised  (window, pair) estimates that needed the ridge
     * @param estimates    (window, pair) estimates in all
     */
    public record Result(double[][] te, int windows, long regularised, long estimates) {}

    private TransferEntropy() {}

    /** Transitions (t, t+1) a window of this length needs for non-singular 3r-dim pair covariances. */
    public static int minTokens(int r) {
        return 3 * r + 2;
    }

    /**
     * @param windows   per window, per module, the [tokens × r] series row-major (a null module is skipped: its row
     *                  and column stay 0)
     * @param lengths   tokens per window
     * @param r         dims per module
     * @param par       threads for the per-window work
     */
    public static Result estimate(List<float[][]> windows, int[] lengths, int r, Parallel par) {
        if (windows.isEmpty()) throw new Prune4jException("transfer entropy needs at least one calibration window");
        int m = windows.get(0).length;
        for (int w = 0; w < windows.size(); w++) {
            if (lengths[w] < minTokens(r)) {
                throw new Prune4jException("transfer entropy with " + r + " dims per module needs windows of at least " + minTokens(r)
                        + " tokens (3r + 2, for non-singular covariances); calibration window " + w + " has " + lengths[w]);
            }
        }
        double[][][] per = new double[windows.size()][][];
        long[] reg = new long[windows.size()], est = new long[windows.size()];
        long work = (long) windows.size() * lengths[0] * (2L * m * r) * (2L * m * r);
        par.forRange(windows.size(), 1, work, (from, to) -> {
            for (int w = from; w < to; w++) {
                long[] counts = new long[2];
                per[w] = window(windows.get(w), lengths[w], r, counts);
                reg[w] = counts[0];
                est[w] = counts[1];
            }
        });
        double[][] te = new double[m][m];
        long regularised = 0, estimates = 0;
        for (int w = 0; w < per.length; w++) {
            for (int a = 0; a < m; a++) for (int b = 0; b < m; b++) te[a][b] += per[w][a][b];
            regularised += reg[w];
            estimates += est[w];
        }
        for (double[] row : te) for (int b = 0; b < m; b++) row[b] /= per.length;
        return new Result(te, per.length, regularised, estimates);
    }

    /** TE matrix of one window; counts[0] += regularised pairs, counts[1] += pairs. */
    static double[][] window(float[][] series, int tokens, int r, long[] counts) {
        int m = series.length, d = m * r, n = tokens - 1;
        // Rows t = 0..n-1: [z_t | z_{t+1}], z = all modules' states side by side.
        DenseMatrix x = DenseMatrix.zeros(n, 2 * d);
        for (int mod = 0; mod < m; mod++) {
            float[] s = series[mod];
            if (s == null) continue;
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < r; c++) {
                    x.data()[t * 2 * d + mod * r + c] = s[t * r + c];
                    x.data()[t * 2 * d + d + mod * r + c] = s[(t + 1) * r + c];
                }
            }
        }
        centreColumns(x);
        DenseMatrix cov = x.transposeTimes(x);
        double[][] te = new double[m][m];
        double[] block = new double[9 * r * r];
        for (int b = 1; b < m; b++) {
            if (series[b] == null) continue;
            for (int a = 0; a < b; a++) {
                if (series[a] == null) continue;
                int[] idx = new int[3 * r];
                for (int c = 0; c < r; c++) {
                    idx[c] = b * r + c;
                    idx[r + c] = a * r + c;
                    idx[2 * r + c] = d + b * r + c;
                }
                for (int i = 0; i < 3 * r; i++) for (int j = 0; j < 3 * r; j++) block[i * 3 * r + j] = cov.get(idx[i], idx[j]);
                double v = pairTe(block, r);
                if (Double.isNaN(v)) {
                    ridge(block, 3 * r);
                    v = pairTe(block, r);
                    counts[0]++;
                    if (Double.isNaN(v)) throw new Prune4jException("transfer entropy: the covariance of modules " + a + " and " + b + " stays singular after regularisation");
                }
                counts[1]++;
                te[a][b] = v;
            }
        }
        return te;
    }

    /**
     * ½ (ln det Σ(Y⁺|Y) − ln det Σ(Y⁺|Y,X)) from the block ordered [Y, X, Y⁺] (3r × 3r, row-major); NaN when the
     * block is singular.
     */
    static double pairTe(double[] block, int r) {
        int k = 3 * r;
        double full = conditionalLogDet(block, k, allIndexes(k), 2 * r);
        int[] yPlus = new int[2 * r];
        for (int c = 0; c < r; c++) {
            yPlus[c] = c;
            yPlus[r + c] = 2 * r + c;
        }
        double own = conditionalLogDet(block, k, yPlus, r);
        if (Double.isNaN(full) || Double.isNaN(own)) return Double.NaN;
        return Math.max(0, 0.5 * (own - full));
    }

    private static int[] allIndexes(int k) {
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) idx[i] = i;
        return idx;
    }

    /**
     * ln det of the conditional covariance of the trailing (idx.length − given) variables given the leading
     * {@code given} ones, from a Cholesky of the principal submatrix on idx: the sum of the log squared pivots after
     * the first {@code given}. NaN when a pivot falls below {@link #SINGULAR} of its variable's variance.
     */
    static double conditionalLogDet(double[] a, int stride, int[] idx, int given) {
        int n = idx.length;
        double[] l = new double[n * n];
        double logDet = 0;
        for (int j = 0; j < n; j++) {
            double diag = a[idx[j] * stride + idx[j]];
            double s = diag;
            for (int k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
            if (!(s > SINGULAR * diag) || !(diag > 0)) return Double.NaN;
            double p = Math.sqrt(s);
            l[j * n + j] = p;
            if (j >= given) logDet += Math.log(s);
            for (int i = j + 1; i < n; i++) {
                double v = a[idx[i] * stride + idx[j]];
                for (int k = 0; k < j; k++) v -= l[i * n + k] * l[j * n + k];
                l[i * n + j] = v / p;
            }
        }
        return logDet;
    }

    /** Adds 1e-6 of the mean variance (or 1e-12 when all variances are 0) to the diagonal. */
    static void ridge(double[] a, int k) {
        double mean = 0;
        for (int i = 0; i < k; i++) mean += a[i * k + i];
        mean /= k;
        double delta = mean > 0 ? RIDGE * mean : 1e-12;
        for (int i = 0; i < k; i++) a[i * k + i] += delta;
    }

    private static void centreColumns(DenseMatrix x) {
        int n = x.rows(), c = x.cols();
        double[] mean = new double[c];
        for (int t = 0; t < n; t++) for (int j = 0; j < c; j++) mean[j] += x.data()[t * c + j];
        for (int j = 0; j < c; j++) mean[j] /= n;
        for (int t = 0; t < n; t++) for (int j = 0; j < c; j++) x.data()[t * c + j] -= mean[j];
    }
}
