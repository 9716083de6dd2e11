package org.prune4j.methods.networks;

import org.prune4j.linalg.Decompositions;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.linalg.DoubleGemm;
import org.prune4j.linalg.RandomizedSvd;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The functional-networks authors' CanICA on one layer of one chunk (methods.md §1.2–1.3): z-score every neuron
 * over the chunk's tokens, take the top-k spatial principal patterns U_k (N neurons × k), run FastICA on them
 * (samples = neurons) with several seeded restarts keeping the sparsest solution (smallest max over components of
 * the maps' L1 norms), and z-score each map over its neurons. A neuron's saliency is the largest |z| any map gives
 * it. A restart whose sources turn NaN/Inf (the cube contrast can overflow) is re-seeded.
 */
public final class CanIca {
    /**
     * @param components k, spatial patterns and independent maps per layer and chunk
     * @param restarts   FastICA runs per layer, the sparsest kept
     * @param exactPca   exact top-k patterns (the authors' GPU variant) instead of randomized SVD with 4 power
     *                   iterations (their CPU variant, which produced the published maps)
     */
    public record Settings(int components, int restarts, int maxIter, double tol, boolean exactPca) implements java.io.Serializable {
        public static Settings defaults() {
            return new Settings(128, 10, 300, 1e-4, false);
        }
    }

    /**
     * One layer's result: per-neuron saliency (max |z| over maps), the size of each map's network (neurons with
     * |z| above each of {@link #KEY_THRESHOLDS}, [threshold][map]), how the restarts went, and the seconds spent
     * before FastICA (z-scores, principal patterns, whitening).
     */
    public record LayerResult(double[] saliency, int[][] keyCounts, int restartsRun, int nonFiniteRestarts, int bestRestart,
                              boolean converged, int iterations, int notConverged, double pcaSeconds) {}

    /**
     * The |z| levels at which each network's key neurons are counted for the report. τ itself is solved per ratio
     * later, so the counts are kept at fixed levels spanning the authors' hand-tuned values (3.46 with one chunk,
     * 6.03 with 78).
     */
    public static final double[] KEY_THRESHOLDS = {3, 4, 5, 6};

    /** How many times a restart that produced NaN/Inf is re-seeded before the layer (and its chunk) counts as failed. */
    public static final int RESEEDS = 5;

    private CanIca() {}

    /**
     * @param x     one layer's activations [tokens × neurons]; z-scored in place
     * @param seed  seeds the restarts (drawn from one generator, as the authors' random_state does) and the
     *              randomized SVD
     * @return null when every attempt produced NaN/Inf (the caller skips the chunk and reports it)
     */
    public static LayerResult layer(DenseMatrix x, Settings s, long seed) {
        int t = x.rows(), n = x.cols(), k = s.components();
        if (t < k) throw new IllegalArgumentException("a chunk of " + t + " tokens cannot give " + k + " components");
        if (n < k) throw new IllegalArgumentException(k + " components exceed the layer's " + n + " neurons");
        long t0 = System.nanoTime();
        zscoreColumns(x);
        DenseMatrix u = patterns(x, k, s.exactPca(), seed); // n × k
        SplittableRandom seeds = new SplittableRandom(seed);
        FastIca.Whitened whitened = FastIca.whiten(u); // the same for every restart
        double pcaSeconds = (System.nanoTime() - t0) / 1e9;
        // All restarts run side by side (one stacked product per step); one that turns NaN/Inf is re-seeded in the
        // next round. The seeds come from one generator in restart order, the re-seeds after them, round by round.
        DenseMatrix best = null;
        double bestSparsity = Double.POSITIVE_INFINITY;
        int run = 0, bad = 0, bestRun = -1, iterations = 0, notConverged = 0;
        boolean converged = false;
        List<Integer> pending = new ArrayList<>();
        for (int r = 0; r < s.restarts(); r++) pending.add(r);
        for (int attempt = 0; attempt <= RESEEDS && !pending.isEmpty(); attempt++) {
            List<DenseMatrix> inits = new ArrayList<>();
            for (int ignored : pending) inits.add(FastIca.gaussianInit(k, seeds.nextLong()));
            List<FastIca.Result> round = whitened.runAll(inits, s.maxIter(), s.tol());
            List<Integer> failed = new ArrayList<>();
            for (int j = 0; j < pending.size(); j++) {
                FastIca.Result res = round.get(j);
                run++;
                if (!res.finite()) {
                    bad++;
                    failed.add(pending.get(j));
                    continue;
                }
                iterations += res.iterations();
                if (!res.converged()) notConverged++;
                DenseMatrix maps = res.sources().transpose(); // k × n, one map per component
                double sparsity = 0;
                for (int c = 0; c < k; c++) {
                    double l1 = 0;
                    for (int i = 0; i < n; i++) l1 += Math.abs(maps.get(c, i));
                    sparsity = Math.max(sparsity, l1);
                }
                if (sparsity < bestSparsity) {
                    bestSparsity = sparsity;
                    best = maps;
                    bestRun = pending.get(j);
                    converged = res.converged();
                }
            }
            pending = failed;
        }
        if (best == null) return null;
        double[] saliency = new double[n];
        int[][] keyCounts = new int[KEY_THRESHOLDS.length][k];
        for (int c = 0; c < k; c++) {
            double mean = 0, var = 0;
            for (int j = 0; j < n; j++) mean += best.get(c, j);
            mean /= n;
            for (int j = 0; j < n; j++) var += (best.get(c, j) - mean) * (best.get(c, j) - mean);
            double sd = Math.sqrt(var / n);
            for (int j = 0; j < n; j++) {
                double z = Math.abs((best.get(c, j) - mean) / sd);
                saliency[j] = Math.max(saliency[j], z);
                for (int lv = 0; lv < KEY_THRESHOLDS.length; lv++) if (z > KEY_THRESHOLDS[lv]) keyCounts[lv][c]++;
            }
        }
        return new LayerResult(saliency, keyCounts, run, bad, bestRun, converged, iterations, notConverged, pcaSeconds);
    }

    /**
     * Column z-scores with the unbiased std (torch's default); a column with std below machine epsilon is divided by 1.
     * Blocks of columns are walked row by row (a column walk strides a 1B layer's 90 KB rows: a cache and TLB miss
     * per element), each column still summed in row order, and the blocks are shared out to the threads.
     */
    static void zscoreColumns(DenseMatrix x) {
        int t = x.rows(), n = x.cols(), block = 256;
        double[] d = x.data();
        double eps = Math.ulp(1.0);
        DoubleGemm.forEach((n + block - 1) / block, 3L * t * n, b -> {
            int j0 = b * block, w = Math.min(block, n - j0);
            double[] mean = new double[w], sd = new double[w];
            for (int i = 0; i < t; i++) for (int j = 0, o = i * n + j0; j < w; j++) mean[j] += d[o + j];
            for (int j = 0; j < w; j++) mean[j] /= t;
            for (int i = 0; i < t; i++) {
                for (int j = 0, o = i * n + j0; j < w; j++) {
                    double c = d[o + j] - mean[j];
                    sd[j] += c * c;
                }
            }
            for (int j = 0; j < w; j++) {
                sd[j] = Math.sqrt(sd[j] / Math.max(1, t - 1));
                if (sd[j] < eps) sd[j] = 1;
            }
            for (int i = 0; i < t; i++) for (int j = 0, o = i * n + j0; j < w; j++) d[o + j] = (d[o + j] - mean[j]) / sd[j];
        });
    }

    /**
     * The top-k left singular vectors of Xᵀ [n × k]: exactly from the smaller Gram matrix (XᵀX when n ≤ t, else
     * X·Xᵀ mapped back through Xᵀ), or by randomized SVD (oversampling 10, 4 power iterations, sklearn's defaults).
     */
    static DenseMatrix patterns(DenseMatrix x, int k, boolean exact, long seed) {
        int t = x.rows(), n = x.cols();
        if (!exact) return RandomizedSvd.topKOfTranspose(x, k, 10, 4, seed).u();
        if (n <= t) return Decompositions.symmetricEigen(x.transposeTimes(x)).vectors().columns(0, k);
        Decompositions.Eigen e = Decompositions.symmetricEigen(x.times(x.transpose()));
        DenseMatrix v = e.vectors().columns(0, k), u = x.transposeTimes(v);
        for (int c = 0; c < k; c++) {
            double s = Math.sqrt(Math.max(e.values()[c], Double.MIN_NORMAL));
            for (int j = 0; j < n; j++) u.set(j, c, u.get(j, c) / s);
        }
        return u;
    }
}
