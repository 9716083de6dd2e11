package org.prune4j.tensor;

/**
 * A random matrix that exists only as a formula: N(0, std²) values from {@link CounterNoise} keyed by (seed, row),
 * produced when a row is read. Synthetic checkpoints of 7B-parameter shapes are written from these one row at a
 * time, so writing a 13.5 GB file needs no 13.5 GB of memory.
 *
 * @param dtype    the dtype the values are meant to be stored in (writers encode to it)
 * @param rowOrder generator rows behind view rows, or null for the identity
 */
public record GeneratedWeight(int rows, int cols, DType dtype, long seed, float std, int[] rowOrder) implements Weight {
    public GeneratedWeight(int rows, int cols, DType dtype, long seed, float std) {
        this(rows, cols, dtype, seed, std, null);
    }

    /** The same values with rows taken in another order (a RoPE layout change), still generated, never stored. */
    public GeneratedWeight withRows(int[] order) {
        int[] o = new int[order.length];
        for (int i = 0; i < o.length; i++) o[i] = rowOrder == null ? order[i] : rowOrder[order[i]];
        return new GeneratedWeight(o.length, cols, dtype, seed, std, o);
    }

    @Override
    public void readRows(int r0, int n, float[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            long key = CounterNoise.key(seed, 0, 0, rowOrder == null ? r0 + i : rowOrder[r0 + i]);
            int o = dstOff + i * cols;
            for (int c = 0; c < cols; c++) dst[o + c] = (float) CounterNoise.gaussian(key, c) * std;
        }
    }

    /** Has no stored matrix: materialises one (small shapes only). */
    @Override
    public Matrix base() {
        return materialize();
    }
}
