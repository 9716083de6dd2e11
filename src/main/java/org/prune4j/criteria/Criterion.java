package org.prune4j.criteria;

import org.prune4j.calib.ActivationStats;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.tensor.Matrix;

import java.util.Random;

/**
 * The importance criteria of the baselines, each a function of the weights and (for the data-aware ones) the
 * calibration statistics collected through the engine's taps.
 *
 * <ul>
 *   <li>{@code random}: uniform scores from the seed (the sanity floor).</li>
 *   <li>{@code magnitude}: L2 norm of each coupled group's weights (head: q rows + o columns; channel: gate row,
 *       up row, down column).</li>
 *   <li>{@code wanda-sp}: Σ |W[i, j]| · ‖X_j‖₂ over the o_proj / down_proj columns j of the structure
 *       (Wanda's |W|·‖X‖ aggregated per structure, as in the FLAP paper's Wanda-SP baseline).</li>
 *   <li>{@code flap}: fluctuation Σ Var(X_j) · ‖W[:, j]‖² over the same columns (FLAP's WIFV metric).</li>
 *   <li>{@code block-influence}: per layer 1 − mean cos(input, output) of the hidden states (ShortGPT).</li>
 * </ul>
 */
public enum Criterion {
    RANDOM("random", false), MAGNITUDE("magnitude", false), WANDA_SP("wanda-sp", true), FLAP("flap", true),
    BLOCK_INFLUENCE("block-influence", true);

    public final String cliName;
    public final boolean needsCalibration;

    Criterion(String cliName, boolean needsCalibration) {
        this.cliName = cliName;
        this.needsCalibration = needsCalibration;
    }

    public static Criterion parse(String s) {
        for (Criterion c : values()) if (c.cliName.equals(s)) return c;
        throw new org.prune4j.util.Prune4jException("--method must be one of random, magnitude, wanda-sp, flap, block-influence; got '" + s + "'");
    }

    public Scores score(Model model, ActivationStats stats, long seed) {
        ModelConfig c = model.config();
        int n = c.layerCount();
        double[][] heads = new double[n][], channels = new double[n][];
        double[] layers = new double[n];
        Random rnd = new Random(seed);
        for (int l = 0; l < n; l++) {
            LayerShape s = c.layer(l);
            LayerWeights w = model.weights().layers().get(l);
            heads[l] = new double[s.heads()];
            channels[l] = new double[s.ffnDim()];
            switch (this) {
                case RANDOM -> {
                    for (int h = 0; h < s.heads(); h++) heads[l][h] = rnd.nextDouble();
                    for (int j = 0; j < s.ffnDim(); j++) channels[l][j] = rnd.nextDouble();
                    layers[l] = rnd.nextDouble();
                }
                case MAGNITUDE -> {
                    if (s.hasAttention()) {
                        double[] q = rowSq(w.wq()), o = colSq(w.wo());
                        for (int h = 0; h < s.heads(); h++) heads[l][h] = Math.sqrt(range(q, h, s.headDim()) + range(o, h, s.headDim()));
                    }
                    if (s.hasMlp()) {
                        double[] g = rowSq(w.wGate()), u = rowSq(w.wUp()), d = colSq(w.wDown());
                        for (int j = 0; j < s.ffnDim(); j++) channels[l][j] = Math.sqrt(g[j] + u[j] + d[j]);
                    }
                }
                case WANDA_SP -> {
                    if (s.hasAttention()) {
                        double[] col = colAbs(w.wo()), x = stats.oSumSq[l];
                        double[] per = new double[col.length];
                        for (int j = 0; j < col.length; j++) per[j] = col[j] * Math.sqrt(x[j]);
                        for (int h = 0; h < s.heads(); h++) heads[l][h] = range(per, h, s.headDim());
                    }
                    if (s.hasMlp()) {
                        double[] col = colAbs(w.wDown()), x = stats.downSumSq[l];
                        for (int j = 0; j < s.ffnDim(); j++) channels[l][j] = col[j] * Math.sqrt(x[j]);
                    }
                }
                case FLAP -> {
                    if (s.hasAttention()) {
                        double[] col = colSq(w.wo()), var = stats.variance(stats.oSum[l], stats.oSumSq[l]);
                        double[] per = new double[col.length];
                        for (int j = 0; j < col.length; j++) per[j] = var[j] * col[j];
                        for (int h = 0; h < s.heads(); h++) heads[l][h] = range(per, h, s.headDim());
                    }
                    if (s.hasMlp()) {
                        double[] col = colSq(w.wDown()), var = stats.variance(stats.downSum[l], stats.downSumSq[l]);
                        for (int j = 0; j < s.ffnDim(); j++) channels[l][j] = var[j] * col[j];
                    }
                }
                case BLOCK_INFLUENCE -> layers[l] = 1 - stats.layerCosine[l];
            }
        }
        Scores sc = new Scores(cliName, heads, channels, layers);
        sc.requireFinite();
        return sc;
    }

    private static double range(double[] v, int h, int hd) {
        double s = 0;
        for (int j = h * hd; j < (h + 1) * hd; j++) s += v[j];
        return s;
    }

    private static double[] rowSq(Matrix m) {
        double[] out = new double[m.rows()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.readRows(r, 1, row, 0);
            for (float v : row) out[r] += (double) v * v;
        }
        return out;
    }

    private static double[] colSq(Matrix m) {
        double[] out = new double[m.cols()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.readRows(r, 1, row, 0);
            for (int j = 0; j < row.length; j++) out[j] += (double) row[j] * row[j];
        }
        return out;
    }

    private static double[] colAbs(Matrix m) {
        double[] out = new double[m.cols()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.readRows(r, 1, row, 0);
            for (int j = 0; j < row.length; j++) out[j] += Math.abs(row[j]);
        }
        return out;
    }
}
