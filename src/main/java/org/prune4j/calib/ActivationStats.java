package org.prune4j.calib;

import org.prune4j.engine.Chunk;
import org.prune4j.engine.KvCache;
import org.prune4j.engine.TapPoint;
import org.prune4j.engine.Transformer;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-layer statistics of the dense model on calibration data, gathered in one pass through activation taps:
 * sums and squared sums of every o_proj input (per-head outputs) and down_proj input (MLP channels), in double, and
 * the mean cosine between each layer's input and output hidden states (block influence).
 */
public final class ActivationStats {
    public final long tokens;
    public final double[][] oSum, oSumSq, downSum, downSumSq;
    public final double[] layerCosine;

    private ActivationStats(long tokens, double[][] oSum, double[][] oSumSq, double[][] downSum, double[][] downSumSq, double[] cos) {
        this.tokens = tokens;
        this.oSum = oSum;
        this.oSumSq = oSumSq;
        this.downSum = downSum;
        this.downSumSq = downSumSq;
        this.layerCosine = cos;
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

    public static ActivationStats collect(Transformer tf, List<int[]> sequences, int batchTokens,
                                          org.prune4j.eval.TokenScorer.ProgressListener progress) {
        ModelConfig c = tf.config();
        int n = c.layerCount();
        double[][] oSum = new double[n][], oSq = new double[n][], dSum = new double[n][], dSq = new double[n][];
        for (int l = 0; l < n; l++) {
            oSum[l] = new double[c.layer(l).qDim()];
            oSq[l] = new double[c.layer(l).qDim()];
            dSum[l] = new double[c.layer(l).ffnDim()];
            dSq[l] = new double[c.layer(l).ffnDim()];
        }
        double[] cos = new double[n];
        // Only the current layer's input is needed for its cosine: one reusable buffer, not one copy per layer.
        float[][] layerIn = new float[1][];
        List<AutoCloseable> handles = new ArrayList<>();
        handles.add(tf.taps().add(TapPoint.ATTN_HEADS, (l, p, data, rows, width, layout) -> accumulate(data, rows, width, oSum[l], oSq[l])));
        handles.add(tf.taps().add(TapPoint.MLP_HIDDEN, (l, p, data, rows, width, layout) -> accumulate(data, rows, width, dSum[l], dSq[l])));
        handles.add(tf.taps().add(TapPoint.LAYER_INPUT, (l, p, data, rows, width, layout) -> {
            if (layerIn[0] == null || layerIn[0].length < rows * width) layerIn[0] = new float[rows * width];
            System.arraycopy(data, 0, layerIn[0], 0, rows * width);
        }));
        handles.add(tf.taps().add(TapPoint.LAYER_OUTPUT, (l, p, data, rows, width, layout) -> {
            for (int r = 0; r < rows; r++) cos[l] += cosine(layerIn[0], data, r * width, width);
        }));
        long tokens = 0, total = sequences.stream().mapToLong(s -> s.length).sum();
        try {
            List<Chunk> batch = new ArrayList<>();
            int rows = 0;
            for (int i = 0; i <= sequences.size(); i++) {
                boolean flush = i == sequences.size() || (!batch.isEmpty() && rows + sequences.get(i).length > batchTokens);
                if (flush && !batch.isEmpty()) {
                    tf.forward(batch);
                    tokens += rows;
                    progress.update(tokens, total);
                    batch.clear();
                    rows = 0;
                }
                if (i < sequences.size()) {
                    int[] s = sequences.get(i);
                    batch.add(new Chunk(new KvCache(c, s.length), s));
                    rows += s.length;
                }
            }
        } finally {
            for (AutoCloseable h : handles) {
                try {
                    h.close();
                } catch (Exception ignored) {
                    // removing a listener cannot fail
                }
            }
        }
        for (int l = 0; l < n; l++) {
            cos[l] /= tokens;
            check(oSq[l], l, "attention");
            check(dSq[l], l, "MLP");
            if (!Double.isFinite(cos[l])) throw new Prune4jException("calibration statistics of layer " + l + " contain NaN/Inf (block influence)");
        }
        return new ActivationStats(tokens, oSum, oSq, dSum, dSq, cos);
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

    private static double cosine(float[] a, float[] b, int off, int n) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < n; i++) {
            ab += (double) a[off + i] * b[off + i];
            aa += (double) a[off + i] * a[off + i];
            bb += (double) b[off + i] * b[off + i];
        }
        return ab / Math.sqrt(aa * bb + 1e-30);
    }

    private static void check(double[] v, int layer, String what) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new Prune4jException("calibration statistics of layer " + layer + " (" + what + ") contain NaN/Inf; check the model and calibration text");
            }
        }
    }
}
