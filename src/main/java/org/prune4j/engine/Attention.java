package org.prune4j.engine;

import org.prune4j.kernel.Gemm;
import org.prune4j.kernel.Parallel;

import java.util.List;

/**
 * Causal grouped-query attention over the KV caches of a batch of sequences. Work is split over (row, head)
 * pairs; each query attends to positions 0..p of its own sequence's cache.
 */
final class Attention {
    private Attention() {}

    /**
     * @param q   [rows × heads·hd] queries after RoPE
     * @param out [rows × heads·hd] per-head outputs (the input of o_proj)
     */
    static void run(int layer, float[] q, int rows, int heads, int kvHeads, int hd, List<Chunk> chunks,
                    BatchLayout layout, float[] out, Parallel par) {
        int group = heads / kvHeads, kvDim = kvHeads * hd, qDim = heads * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        long work = 0;
        for (int r = 0; r < rows; r++) work += (long) (layout.position()[r] + 1) * qDim * 2;
        int maxLen = 0;
        for (Chunk c : chunks) maxLen = Math.max(maxLen, c.cache().length() + c.tokens().length);
        final int scratchLen = maxLen;
        par.forRange(rows * heads, 1, work, (from, to) -> {
            float[] scores = new float[scratchLen];
            for (int i = from; i < to; i++) {
                int r = i / heads, h = i % heads;
                KvCache cache = chunks.get(layout.sequence()[r]).cache();
                float[] keys = cache.keys[layer], values = cache.values[layer];
                int pos = layout.position()[r];
                int qo = r * qDim + h * hd, kvo = (h / group) * hd;
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p <= pos; p++) {
                    float s = Gemm.dot(q, qo, keys, p * kvDim + kvo, hd) * scale;
                    scores[p] = s;
                    if (s > max) max = s;
                }
                float inv = 1f / Ops.expShiftSum(scores, pos + 1, max);
                int oo = r * qDim + h * hd;
                java.util.Arrays.fill(out, oo, oo + hd, 0f);
                for (int p = 0; p <= pos; p++) {
                    Ops.axpy(scores[p] * inv, values, p * kvDim + kvo, out, oo, hd);
                }
            }
        });
    }
}
