package org.prune4j.engine;

import org.prune4j.model.ModelConfig;

/**
 * Keys and values of one sequence, sized per layer (pruned layers keep fewer KV heads, so they get smaller
 * caches; a layer without attention gets none). Capacity is what the caller asks for, not the model's context.
 * Keys are stored transposed, [kvHead][headDim][capacity], and values [position × kvDim], so that both attention
 * products (Q·Kᵀ and P·V) broadcast one operand against contiguous vectors of the other and need no horizontal sums.
 */
public final class KvCache {
    final float[][] keys;
    final float[][] values;
    final int[] kvDim;
    final int[] headDim;
    private final int capacity;
    private int length;

    public KvCache(ModelConfig config, int capacity) {
        this(config, capacity, -1);
    }

    /**
     * A cache holding only one layer's keys and values (others empty): for passes that run one layer at a time
     * over many sequences, where caches of every layer would cost L times the memory for nothing.
     */
    public static KvCache forLayer(ModelConfig config, int capacity, int layer) {
        return new KvCache(config, capacity, layer);
    }

    private KvCache(ModelConfig config, int capacity, int onlyLayer) {
        if (capacity <= 0 || capacity > config.contextLength()) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + " outside 1.." + config.contextLength() + " (model context)");
        }
        int n = config.layerCount();
        this.keys = new float[n][];
        this.values = new float[n][];
        this.kvDim = new int[n];
        this.headDim = new int[n];
        for (int l = 0; l < n; l++) {
            kvDim[l] = config.layer(l).kvDim();
            headDim[l] = config.layer(l).headDim();
            int rows = onlyLayer < 0 || onlyLayer == l ? capacity : 0;
            keys[l] = new float[rows * kvDim[l]];
            values[l] = new float[rows * kvDim[l]];
        }
        this.capacity = capacity;
    }

    public int capacity() { return capacity; }

    /** Stores one position's key and value rows ([kvDim] each) for a layer. */
    void put(int layer, int position, float[] k, float[] v, int off) {
        int kd = kvDim[layer];
        System.arraycopy(v, off, values[layer], position * kd, kd);
        float[] kt = keys[layer];
        for (int i = 0; i < kd; i++) {
            // element (head g, dim j) = index g·hd + j = i lives in row i of the transposed layout
            kt[i * capacity + position] = k[off + i];
        }
    }
    /** Positions already filled. */
    public int length() { return length; }

    /** Empties the cache for reuse (positions are overwritten before they are read again). */
    void reset() {
        length = 0;
    }

    void advance(int n) {
        length += n;
    }
}
