package org.prune4j.grad;

import org.prune4j.engine.Ops;
import org.prune4j.kernel.Gemm;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.LayerShape;

/**
 * Causal grouped-query attention of independent windows, forward and backward. The backward pass recomputes each
 * head's probabilities instead of storing them (T² floats per head and window), the same trade as the layer
 * checkpointing around it. Work items are (window, KV group): the query heads of one group add into the same
 * key/value gradients, so one item owns them and the sums run in a fixed order.
 */
final class AttentionGrad {
    private AttentionGrad() {}

    /** out [rows × qDim] = softmax(q·kᵀ/√hd, causal) · v per window and head; q, k already rotated. */
    static void forward(float[] q, float[] k, float[] v, float[] out, LayerShape s, Windows win, Parallel par) {
        int heads = s.heads(), hd = s.headDim(), qDim = s.qDim(), kvDim = s.kvDim(), group = s.groupSize();
        int items = win.count() * heads;
        par.forRange(items, 1, work(win, qDim), (from, to) -> {
            float[] p = new float[win.maxLength() * win.maxLength()];
            for (int i = from; i < to; i++) {
                int wi = i / heads, h = i % heads, g = h / group;
                int t = win.length()[wi], r0 = win.start()[wi];
                probabilities(q, k, r0, t, h, g, s, p);
                Gemm.multiplyBroadcast(p, 0, t, t, t, v, r0 * kvDim + g * hd, kvDim, hd, out, r0 * qDim + h * hd, qDim);
            }
        });
    }

    /**
     * Given dL/d(out), fills dL/dq, dL/dk (with respect to the rotated vectors) and dL/dv. With P the softmax
     * probabilities and dP = dO·Vᵀ: dV = Pᵀ·dO, dS = P ⊙ (dP − rowsum(dP ⊙ P)) / √hd, dQ = dS·K, dK = dSᵀ·Q.
     */
    static void backward(float[] q, float[] k, float[] v, float[] dOut, float[] dq, float[] dk, float[] dv,
                         LayerShape s, Windows win, Parallel par) {
        int kvHeads = s.kvHeads(), hd = s.headDim(), qDim = s.qDim(), kvDim = s.kvDim(), group = s.groupSize();
        float scale = (float) (1.0 / Math.sqrt(hd));
        int items = win.count() * kvHeads;
        par.forRange(items, 1, 3 * work(win, qDim), (from, to) -> {
            int tMax = win.maxLength();
            float[] p = new float[tMax * tMax], dp = new float[tMax * tMax], pt = new float[tMax * tMax];
            float[] tmp = new float[tMax * hd];
            for (int i = from; i < to; i++) {
                int wi = i / kvHeads, g = i % kvHeads;
                int t = win.length()[wi], r0 = win.start()[wi];
                int kvOff = r0 * kvDim + g * hd;
                for (int h = g * group; h < (g + 1) * group; h++) {
                    int qOff = r0 * qDim + h * hd;
                    probabilities(q, k, r0, t, h, g, s, p);
                    // dP = dO·Vᵀ (the strided kernel multiplies by the transpose of v's rows)
                    Gemm.multiplyStrided(dOut, qOff, qDim, t, hd, v, kvOff, kvDim, t, dp, 0, t);
                    // dV += Pᵀ·dO
                    transpose(p, t, pt);
                    Gemm.multiplyBroadcast(pt, 0, t, t, t, dOut, qOff, qDim, hd, tmp, 0, hd);
                    addStrided(tmp, t, hd, dv, kvOff, kvDim);
                    for (int r = 0; r < t; r++) {
                        int o = r * t;
                        double dot = 0;
                        for (int c = 0; c <= r; c++) dot += (double) dp[o + c] * p[o + c];
                        for (int c = 0; c < t; c++) dp[o + c] = c <= r ? (float) (p[o + c] * (dp[o + c] - dot)) * scale : 0f;
                    }
                    // dQ_h = dS·K (written in place: each head owns its q columns)
                    Gemm.multiplyBroadcast(dp, 0, t, t, t, k, kvOff, kvDim, hd, dq, qOff, qDim);
                    // dK += dSᵀ·Q
                    transpose(dp, t, pt);
                    Gemm.multiplyBroadcast(pt, 0, t, t, t, q, qOff, qDim, hd, tmp, 0, hd);
                    addStrided(tmp, t, hd, dk, kvOff, kvDim);
                }
            }
        });
    }

    /** Causal softmax probabilities [t × t] of head h (KV group g) of the window starting at row r0. */
    private static void probabilities(float[] q, float[] k, int r0, int t, int h, int g, LayerShape s, float[] p) {
        int hd = s.headDim(), qDim = s.qDim(), kvDim = s.kvDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        Gemm.multiplyStrided(q, r0 * qDim + h * hd, qDim, t, hd, k, r0 * kvDim + g * hd, kvDim, t, p, 0, t);
        for (int r = 0; r < t; r++) {
            int o = r * t;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c <= r; c++) {
                p[o + c] *= scale;
                max = Math.max(max, p[o + c]);
            }
            float inv = 1f / Ops.expShiftSum(p, o, r + 1, max);
            for (int c = 0; c <= r; c++) p[o + c] *= inv;
            java.util.Arrays.fill(p, o + r + 1, o + t, 0f);
        }
    }

    private static void transpose(float[] a, int t, float[] out) {
        for (int i = 0; i < t; i++) for (int j = 0; j < t; j++) out[j * t + i] = a[i * t + j];
    }

    private static void addStrided(float[] src, int rows, int width, float[] dst, int off, int ld) {
        for (int r = 0; r < rows; r++) for (int c = 0; c < width; c++) dst[off + r * ld + c] += src[r * width + c];
    }

    private static long work(Windows win, int qDim) {
        long w = 0;
        for (int t : win.length()) w += 2L * t * t * qDim;
        return w;
    }
}
