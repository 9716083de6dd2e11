package org.prune4j.calib;

import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.TapPoint;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.Prune4jException;

import java.util.Set;

/**
 * Activation moments per layer, the evidence of Wanda-SP, FLAP and bias compensation: sums and squared sums of
 * every o_proj input (per-head attention outputs) and down_proj input (MLP channels), in double, over all
 * calibration tokens. Rows are added in batch order, so a pass's state depends only on its windows.
 */
public final class ActivationStats implements Collector {
    private final int[] qDim, ffn;
    public long tokens;
    public final double[][] oSum, oSumSq, downSum, downSumSq;
    /** The layer whose inputs count tokens: the first one observed (passes may start at any layer). */
    private int countingLayer = -1;

    public ActivationStats(ModelConfig c) {
        this(c.layers().stream().mapToInt(LayerShape::qDim).toArray(), c.layers().stream().mapToInt(LayerShape::ffnDim).toArray());
    }

    private ActivationStats(int[] qDim, int[] ffn) {
        this.qDim = qDim;
        this.ffn = ffn;
        int n = qDim.length;
        oSum = new double[n][];
        oSumSq = new double[n][];
        downSum = new double[n][];
        downSumSq = new double[n][];
        for (int l = 0; l < n; l++) {
            oSum[l] = new double[qDim[l]];
            oSumSq[l] = new double[qDim[l]];
            downSum[l] = new double[ffn[l]];
            downSumSq[l] = new double[ffn[l]];
        }
    }

    @Override
    public Set<TapPoint> points() {
        return Set.of(TapPoint.LAYER_INPUT, TapPoint.ATTN_HEADS, TapPoint.MLP_HIDDEN);
    }

    @Override
    public void observe(int layer, TapPoint p, float[] data, int rows, int width, BatchLayout layout) {
        switch (p) {
            // Every layer sees the same tokens; count them once, at the first layer that runs in the pass.
            case LAYER_INPUT -> {
                if (countingLayer < 0) countingLayer = layer;
                if (layer == countingLayer) tokens += rows;
            }
            case ATTN_HEADS -> accumulate(data, rows, width, oSum[layer], oSumSq[layer]);
            case MLP_HIDDEN -> accumulate(data, rows, width, downSum[layer], downSumSq[layer]);
            default -> { }
        }
    }

    @Override
    public ActivationStats fresh() {
        return new ActivationStats(qDim, ffn);
    }

    @Override
    public void merge(Collector later) {
        ActivationStats o = (ActivationStats) later;
        tokens += o.tokens;
        for (int l = 0; l < qDim.length; l++) {
            add(oSum[l], o.oSum[l]);
            add(oSumSq[l], o.oSumSq[l]);
            add(downSum[l], o.downSum[l]);
            add(downSumSq[l], o.downSumSq[l]);
        }
    }

    @Override
    public void finish() {
        for (int l = 0; l < qDim.length; l++) {
            check(oSumSq[l], l, "attention");
            check(downSumSq[l], l, "MLP");
        }
    }

    public double[] mean(double[] sum) {
        double[] m = new double[sum.length];
        for (int i = 0; i < m.length; i++) m[i] = sum[i] / tokens;
        return m;
    }

    /** Unbiased sample variance per input channel. */
    public double[] variance(double[] sum, double[] sumSq) {
        double[] v = new double[sum.length];
        for (int i = 0; i < v.length; i++) {
            double mu = sum[i] / tokens;
            v[i] = Math.max(0, (sumSq[i] - tokens * mu * mu) / Math.max(1, tokens - 1));
        }
        return v;
    }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) a[i] += b[i];
    }

    private static void accumulate(float[] data, int rows, int width, double[] sum, double[] sq) {
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            for (int j = 0; j < width; j++) {
                double v = data[o + j];
                sum[j] += v;
                sq[j] += v * v;
            }
        }
    }

    private static void check(double[] v, int layer, String what) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new Prune4jException("calibration statistics of layer " + layer + " (" + what + ") contain NaN/Inf; check the model and calibration text");
            }
        }
    }
}
