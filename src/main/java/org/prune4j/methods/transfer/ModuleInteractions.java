package org.prune4j.methods.transfer;

import org.prune4j.methods.transfer.ModuleSeries;
import org.prune4j.engine.Transformer;
import org.prune4j.linalg.Decompositions;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How much information each module passes on (methods.md §3.2, our reconstruction): the 2L modules' residual
 * contributions per token (o_proj / down_proj outputs) from the dense model over the calibration windows, reduced to
 * r dims each ({@link ModuleReduction}, or the per-token norm), Gaussian transfer entropy between every ordered pair
 * a &lt; b per window ({@link TransferEntropy}), averaged; a module's importance is the information it sends
 * downstream. One calibration pass when the hidden size is at most the sketch width (exact PCA), two otherwise
 * (a range sketch of the outputs, then the series on its basis).
 */
public final class ModuleInteractions {
    /** How a module's d-dim output becomes an r-dim series. */
    public enum Reduction { PCA, NORM }

    /** What a module's importance adds up. */
    public enum Importance {
        /** Σ_{b>a} TE_{a→b} over the later modules (the reconstruction's default). */
        DOWNSTREAM,
        /** The mean of TE_{a→b} over the later modules: no advantage from having more of them. */
        DOWNSTREAM_MEAN,
        /** TE_{a→final hidden state} only (the residual stream leaving the last layer). */
        FINAL
    }

    /**
     * @param dims      r, dims per module (PCA); the norm form has 1
     * @param sketch    the width of the range sketch that bounds the PCA's subspace; exact PCA when the hidden size
     *                  is at most this
     * @param sketchSeed seed of the sketch's Gaussian test matrix
     */
    public record Settings(int dims, Reduction reduction, Importance importance, int sketch, long sketchSeed) {
        public Settings {
            if (dims < 1) throw new Prune4jException("--te-dims must be at least 1, got " + dims);
            if (reduction == Reduction.NORM && dims != 1) throw new Prune4jException("--te-reduce norm gives 1 dim per module; --te-dims must be 1 with it, got " + dims);
            if (sketch < dims) throw new Prune4jException("--te-sketch must be at least --te-dims (" + dims + "), got " + sketch);
        }
    }

    /**
     * @param te          [M × M], M = 2L (+1 for the final hidden state under {@link Importance#FINAL}); te[a][b] for a &lt; b
     * @param importance  per module (2L), higher = passes more information on
     * @param explained   per module, variance share the r dims keep within the recorded subspace (NaN: norm form)
     * @param basis       "exact" or "sketch:N" (the PCA's subspace)
     */
    public record Analysis(Settings settings, double[][] te, double[] importance, double[] explained, String basis, int windows,
                           int minTokens, int maxTokens, long regularised, long estimates, double seriesSeconds, double teSeconds) {}

    private ModuleInteractions() {}

    /**
     * @param pass runs one calibration pass of the given collectors over {@code windows} and returns them finished
     *             (a caller may add collectors of its own to the first pass, e.g. the activation moments)
     */
    public static Analysis analyse(Transformer tf, List<int[]> windows, java.util.function.Function<List<org.prune4j.calib.Collector>,
            List<org.prune4j.calib.Collector>> pass, Settings s) {
        ModelConfig c = tf.config();
        int d = c.hidden(), layers = c.layerCount();
        if (s.dims() > d) throw new Prune4jException("--te-dims " + s.dims() + " exceeds the hidden size " + d);
        int shortest = windows.stream().mapToInt(w -> w.length).min().orElse(0);
        if (shortest < TransferEntropy.minTokens(s.dims())) {
            throw new Prune4jException("transfer entropy with " + s.dims() + " dims per module needs calibration windows of at least "
                    + TransferEntropy.minTokens(s.dims()) + " tokens (3r + 2, for non-singular covariances); the shortest has " + shortest
                    + " (raise --calib-len or lower --te-dims)");
        }
        boolean fin = s.importance() == Importance.FINAL;
        int m = 2 * layers + (fin ? 1 : 0);
        long t0 = System.nanoTime();
        ModuleSeries series;
        String basis;
        if (s.reduction() == Reduction.NORM) {
            boolean[] on = new boolean[m];
            for (int i = 0; i < m; i++) on[i] = present(c, i);
            series = (ModuleSeries) pass.apply(List.of(ModuleSeries.norms(on))).get(0);
            basis = "norm";
        } else {
            DenseMatrix[] bases = new DenseMatrix[m];
            if (d <= s.sketch()) {
                for (int i = 0; i < m; i++) if (present(c, i)) bases[i] = DenseMatrix.identity(d);
                basis = "exact";
            } else {
                sketchBases(pass, s, bases, c);
                basis = "sketch:" + s.sketch();
            }
            series = (ModuleSeries) pass.apply(List.of(new ModuleSeries(bases, null))).get(0);
        }
        ModuleReduction.Reduced red = s.reduction() == Reduction.NORM ? ModuleReduction.asRecorded(series) : ModuleReduction.pca(series, s.dims());
        series = null; // the recorded (wide) series are no longer needed
        long t1 = System.nanoTime();
        TransferEntropy.Result r = TransferEntropy.estimate(red.windows(), red.lengths(), red.r(), tf.parallel());
        long t2 = System.nanoTime();
        int maxTokens = Arrays.stream(red.lengths()).max().orElse(0);
        return new Analysis(s, r.te(), importance(r.te(), layers, s.importance()), red.explained(), basis, r.windows(), shortest, maxTokens,
                r.regularised(), r.estimates(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    /** Whether module i exists in the model (a pruned layer may lack attention or MLP; 2L is the final state). */
    private static boolean present(ModelConfig c, int i) {
        if (i == 2 * c.layerCount()) return true;
        var sh = c.layer(i / 2);
        return i % 2 == 0 ? sh.hasAttention() : sh.hasMlp();
    }

    /** Bases from one pass of range sketches of the attention, MLP (and final-state) outputs. */
    private static void sketchBases(java.util.function.Function<List<org.prune4j.calib.Collector>, List<org.prune4j.calib.Collector>> pass,
                                    Settings s, DenseMatrix[] bases, ModelConfig c) {
        int layers = c.layerCount();
        OutputSketch sk = (OutputSketch) pass.apply(List.of(new OutputSketch(layers, c.hidden(), s.sketch(), bases.length > 2 * layers,
                s.sketchSeed()))).get(0);
        for (int i = 0; i < bases.length; i++) {
            if (present(c, i) && sk.sketch(i) != null) bases[i] = Decompositions.orthonormalBasis(sk.sketch(i));
        }
    }

    /** Per module of the 2L, the information it sends on under the rule. */
    static double[] importance(double[][] te, int layers, Importance rule) {
        int n = 2 * layers;
        double[] out = new double[n];
        for (int a = 0; a < n; a++) {
            if (rule == Importance.FINAL) {
                out[a] = te[a][n];
                continue;
            }
            double sum = 0;
            for (int b = a + 1; b < n; b++) sum += te[a][b];
            out[a] = rule == Importance.DOWNSTREAM_MEAN && a < n - 1 ? sum / (n - 1 - a) : sum;
        }
        return out;
    }
}
