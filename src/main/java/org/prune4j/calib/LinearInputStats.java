package org.prune4j.calib;

import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.TapPoint;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.TensorRole;

import java.util.Set;

/**
 * Per input feature of every linear layer, the sum and squared sum over calibration tokens: q/k/v read the
 * attention norm's output, o the per-head attention outputs, gate/up the MLP norm's output, down the MLP hidden
 * channels. Gradient-times-activation scores (MINI-LLM's FMS, exact or estimated) weigh W[i, j]·g[i, j] by a
 * statistic x̄_j of input j: ‖X_j‖₂ = √(squared sum), or the signed mean.
 */
public final class LinearInputStats implements Collector {
    private static final TapPoint[] POINTS = {TapPoint.ATTN_INPUT, TapPoint.ATTN_HEADS, TapPoint.MLP_INPUT, TapPoint.MLP_HIDDEN};
    private final int[][] widths;
    public long tokens;
    /** [point][layer][feature] */
    public final double[][][] sum, sumSq;
    private int countingLayer = -1;

    public LinearInputStats(ModelConfig c) {
        this(widths(c));
    }

    private LinearInputStats(int[][] widths) {
        this.widths = widths;
        int n = widths[0].length;
        sum = new double[POINTS.length][n][];
        sumSq = new double[POINTS.length][n][];
        for (int p = 0; p < POINTS.length; p++) {
            for (int l = 0; l < n; l++) {
                sum[p][l] = new double[widths[p][l]];
                sumSq[p][l] = new double[widths[p][l]];
            }
        }
    }

    private static int[][] widths(ModelConfig c) {
        int n = c.layerCount();
        int[][] w = new int[POINTS.length][n];
        for (int l = 0; l < n; l++) {
            LayerShape s = c.layer(l);
            w[0][l] = s.hasAttention() ? c.hidden() : 0;
            w[1][l] = s.qDim();
            w[2][l] = s.hasMlp() ? c.hidden() : 0;
            w[3][l] = s.ffnDim();
        }
        return w;
    }

    /** The tap point whose activations a role's matrix multiplies. */
    private static int point(TensorRole role) {
        return switch (role) {
            case Q, K, V -> 0;
            case O -> 1;
            case GATE, UP -> 2;
            case DOWN -> 3;
            default -> throw new IllegalArgumentException(role + " is not a linear layer");
        };
    }

    /** ‖X_j‖₂ over all calibration tokens, per input feature j of the role's matrix in a layer. */
    public double[] l2(int layer, TensorRole role) {
        double[] sq = sumSq[point(role)][layer], out = new double[sq.length];
        for (int j = 0; j < out.length; j++) out[j] = Math.sqrt(sq[j]);
        return out;
    }

    /** The signed mean of input feature j over calibration tokens. */
    public double[] mean(int layer, TensorRole role) {
        double[] s = sum[point(role)][layer], out = new double[s.length];
        for (int j = 0; j < out.length; j++) out[j] = s[j] / Math.max(1, tokens);
        return out;
    }

    @Override
    public Set<TapPoint> points() {
        return Set.of(TapPoint.LAYER_INPUT, TapPoint.ATTN_INPUT, TapPoint.ATTN_HEADS, TapPoint.MLP_INPUT, TapPoint.MLP_HIDDEN);
    }

    @Override
    public void observe(int layer, TapPoint p, float[] data, int rows, int width, BatchLayout layout) {
        if (p == TapPoint.LAYER_INPUT) {
            if (countingLayer < 0) countingLayer = layer;
            if (layer == countingLayer) tokens += rows;
            return;
        }
        int k = java.util.Arrays.asList(POINTS).indexOf(p);
        if (k < 0) return;
        double[] s = sum[k][layer], q = sumSq[k][layer];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                double v = data[r * width + j];
                s[j] += v;
                q[j] += v * v;
            }
        }
    }

    @Override
    public LinearInputStats fresh() {
        return new LinearInputStats(widths);
    }

    @Override
    public void merge(Collector later) {
        LinearInputStats o = (LinearInputStats) later;
        tokens += o.tokens;
        for (int p = 0; p < POINTS.length; p++) {
            for (int l = 0; l < sum[p].length; l++) {
                for (int j = 0; j < sum[p][l].length; j++) {
                    sum[p][l][j] += o.sum[p][l][j];
                    sumSq[p][l][j] += o.sumSq[p][l][j];
                }
            }
        }
    }

    @Override
    public void finish() {
        for (double[][] perLayer : sumSq) {
            for (int l = 0; l < perLayer.length; l++) {
                for (double v : perLayer[l]) {
                    if (!Double.isFinite(v)) throw new org.prune4j.util.Prune4jException("calibration statistics of layer " + l + " contain NaN/Inf; check the model and calibration text");
                }
            }
        }
    }
}
