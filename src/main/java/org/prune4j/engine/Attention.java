package org.prune4j.engine;

import org.prune4j.kernel.Gemm;
import org.prune4j.kernel.Parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * Causal grouped-query attention over the KV caches of a batch of sequences. Work items are (sequence, head,
 * block of queries); each computes S = Q·Kᵀ and O = softmax(S)·V with the broadcast GEMM kernel over the cache's
 * transposed keys and row-major values, so prefill attention runs at GEMM speed with no horizontal sum per score
 * (one head's dot products are too short to amortise one, and its order must not depend on the JIT tier).
 */
final class Attention {
    /** Queries per work item: bounds the score block at QUERY_BLOCK × context floats. */
    private static final int QUERY_BLOCK = 128;

    private Attention() {}

    private record Item(int chunk, int head, int rowStart, int q0, int q1) {}

    /**
     * @param q   [rows × heads·hd] queries after RoPE
     * @param out [rows × heads·hd] per-head outputs (the input of o_proj)
     */
    static void run(int layer, float[] q, int rows, int heads, int kvHeads, int hd, List<Chunk> chunks,
                    BatchLayout layout, float[] out, Parallel par) {
        int group = heads / kvHeads, kvDim = kvHeads * hd, qDim = heads * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        List<Item> items = new ArrayList<>();
        long work = 0;
        int rowStart = 0;
        for (int c = 0; c < chunks.size(); c++) {
            int n = chunks.get(c).tokens().length, past = chunks.get(c).cache().length();
            for (int h = 0; h < heads; h++) {
                for (int q0 = 0; q0 < n; q0 += QUERY_BLOCK) items.add(new Item(c, h, rowStart, q0, Math.min(n, q0 + QUERY_BLOCK)));
            }
            work += (long) n * (past + n) * qDim * 2;
            rowStart += n;
        }
        par.forRange(items.size(), 1, work, (from, to) -> {
            for (int i = from; i < to; i++) {
                Item it = items.get(i);
                KvCache cache = chunks.get(it.chunk).cache();
                int past = cache.length(), nq = it.q1 - it.q0, len = past + it.q1, g = it.head / group;
                float[] keysT = cache.keys[layer], values = cache.values[layer];
                int cap = cache.capacity(), qOff = (it.rowStart + it.q0) * qDim + it.head * hd;
                float[] s = new float[nq * len];
                // S = Q·Kᵀ: rows of the transposed key cache are this KV head's dimensions over positions.
                Gemm.multiplyBroadcast(q, qOff, qDim, nq, hd, keysT, g * hd * cap, cap, len, s, 0, len);
                for (int r = 0; r < nq; r++) {
                    int valid = past + it.q0 + r + 1, o = r * len;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int p = 0; p < valid; p++) {
                        s[o + p] *= scale;
                        max = Math.max(max, s[o + p]);
                    }
                    float inv = 1f / Ops.expShiftSum(s, o, valid, max);
                    for (int p = 0; p < valid; p++) s[o + p] *= inv;
                    java.util.Arrays.fill(s, o + valid, o + len, 0f); // causal mask
                }
                // O = P·V: value rows are positions, this KV head's dimensions at g·hd.
                Gemm.multiplyBroadcast(s, 0, len, nq, len, values, g * hd, kvDim, hd, out, qOff, qDim);
            }
        });
    }
}
