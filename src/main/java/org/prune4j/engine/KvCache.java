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

    /**
     * A cache whose layers all share one buffer, for passes that run whole sequences through the layers in order
     * and never decode after them (loss probes, scoring): layer l + 1 overwrites layer l's keys once layer l is
     * done with them, so one layer's memory serves all (a 1B model's 16 layers of caches for 10 × 128 tokens are
     * 84 MB, one layer's 5 MB). Such a cache must not be extended by a later pass.
     */
    public static KvCache sharedAcrossLayers(ModelConfig config, int capacity) {
        return new KvCache(config, capacity, -2);
    }

    private KvCache(ModelConfig config, int capacity, int onlyLayer) {
        if (capacity <= 0 || capacity > config.contextLength()) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + " outside 1.." + config.contextLength() + " (model context)");
        }
        int n = config.layerCount();
        requireMemory(config, capacity, onlyLayer);
        this.keys = new float[n][];
        this.values = new float[n][];
        this.kvDim = new int[n];
        this.headDim = new int[n];
        if (onlyLayer == -2) {
            int widest = 0;
            for (int l = 0; l < n; l++) widest = Math.max(widest, config.layer(l).kvDim());
            float[] k = new float[capacity * widest], v = new float[capacity * widest];
            for (int l = 0; l < n; l++) {
                kvDim[l] = config.layer(l).kvDim();
                headDim[l] = config.layer(l).headDim();
                keys[l] = k;
                values[l] = v;
            }
            this.capacity = capacity;
            return;
        }
        for (int l = 0; l < n; l++) {
            kvDim[l] = config.layer(l).kvDim();
            headDim[l] = config.layer(l).headDim();
            int rows = onlyLayer < 0 || onlyLayer == l ? capacity : 0;
            keys[l] = new float[rows * kvDim[l]];
            values[l] = new float[rows * kvDim[l]];
        }
        this.capacity = capacity;
    }

    /** Refuses, with the numbers, a cache that the heap cannot hold (a window or context from a header or option). */
    private static void requireMemory(ModelConfig config, int capacity, int onlyLayer) {
        long floats = 0, widest = 0;
        for (int l = 0; l < config.layerCount(); l++) {
            long rows = onlyLayer < 0 || onlyLayer == l ? capacity : 0;
            widest = Math.max(widest, (long) capacity * config.layer(l).kvDim());
            if (onlyLayer != -2) floats += 2 * rows * config.layer(l).kvDim();
        }
        if (onlyLayer == -2) floats = 2 * widest;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (widest <= Integer.MAX_VALUE - 8 && floats * Float.BYTES > free) {
            // "Used" counts garbage not yet collected (a long calibration fills the heap with it): collect once
            // before refusing, as the allocation itself would have.
            System.gc();
            free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        if (widest > Integer.MAX_VALUE - 8 || floats * Float.BYTES > free) {
            throw new org.prune4j.util.Prune4jException(String.format("a KV cache of %d tokens needs %.2f GiB; the heap has %.2f GiB free: use a "
                    + "shorter window (--seq-len, --prompt-tokens) or a larger -Xmx (PRUNE4J_JAVA_OPTS)", capacity, floats * 4.0 / (1L << 30), free / (double) (1L << 30)));
        }
    }

    /**
     * A copy holding the same positions, to continue one shared prefix with several different suffixes (the
     * choices of a multiple-choice item) without recomputing the prefix.
     */
    public KvCache copy() {
        return new KvCache(this);
    }

    private KvCache(KvCache o) {
        int n = o.keys.length;
        keys = new float[n][];
        values = new float[n][];
        for (int l = 0; l < n; l++) {
            // Layers sharing one buffer (sharedAcrossLayers) keep sharing it in the copy.
            keys[l] = l > 0 && o.keys[l] == o.keys[l - 1] ? keys[l - 1] : o.keys[l].clone();
            values[l] = l > 0 && o.values[l] == o.values[l - 1] ? values[l - 1] : o.values[l].clone();
        }
        kvDim = o.kvDim.clone();
        headDim = o.headDim.clone();
        capacity = o.capacity;
        length = o.length;
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
