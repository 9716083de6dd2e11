package org.prune4j.tensor;

/**
 * The view W + scale · B·A of a stored matrix (a LoRA adapter): B is [rows × rank], A is [rank × cols], both
 * row-major f32. Rows are widened and the adapter added on the fly; the stored matrix is never modified.
 */
public record LowRankWeight(Matrix base, float[] b, float[] a, int rank, float scale) implements Weight.BaseView {
    public LowRankWeight {
        if (rank < 1) throw new IllegalArgumentException("adapter rank must be at least 1, got " + rank);
        if (b.length != (long) base.rows() * rank || a.length != (long) rank * base.cols()) {
            throw new IllegalArgumentException("adapter shapes B " + b.length + ", A " + a.length + " do not fit " + base + " at rank " + rank);
        }
    }

    @Override
    public void readRows(int r0, int n, float[] dst, int dstOff) {
        base.readRows(r0, n, dst, dstOff);
        int k = base.cols();
        for (int i = 0; i < n; i++) {
            int o = dstOff + i * k, br = (r0 + i) * rank;
            for (int j = 0; j < rank; j++) {
                float s = scale * b[br + j];
                if (s == 0) continue;
                int ar = j * k;
                for (int c = 0; c < k; c++) dst[o + c] += s * a[ar + c];
            }
        }
    }
}
