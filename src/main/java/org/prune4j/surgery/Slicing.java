package org.prune4j.surgery;

import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;

import java.lang.foreign.MemorySegment;

/**
 * Row and column selection on weight matrices. Rows are copied byte for byte in any dtype; columns are gathered
 * through f32, which is exact for F32/F16/BF16. Q8_0 blocks do not survive a column cut, so such matrices come out
 * as F32 (re-quantising would change values that were not pruned).
 */
public final class Slicing {
    private Slicing() {}

    /** Rows of the given indices, in order. */
    public static Matrix rows(Matrix m, int[] keep) {
        long rb = m.rowBytes();
        MemorySegment dst = MemorySegment.ofArray(new byte[Math.toIntExact(rb * keep.length)]);
        for (int i = 0; i < keep.length; i++) MemorySegment.copy(m.data(), keep[i] * rb, dst, i * rb, rb);
        return new Matrix(dst, m.dtype(), keep.length, m.cols());
    }

    /** Columns of the given indices, in order. */
    public static Matrix columns(Matrix m, int[] keep) {
        float[] row = new float[m.cols()];
        float[] out = new float[m.rows() * keep.length];
        for (int r = 0; r < m.rows(); r++) {
            m.readRows(r, 1, row, 0);
            for (int i = 0; i < keep.length; i++) out[r * keep.length + i] = row[keep[i]];
        }
        DType dt = m.dtype() == DType.Q8_0 ? DType.F32 : m.dtype();
        return Matrix.encode(out, m.rows(), keep.length, dt);
    }

    /** Expands head indices to their row (or column) indices: head h covers [h·hd, (h+1)·hd). */
    public static int[] headUnits(int[] heads, int hd) {
        int[] out = new int[heads.length * hd];
        for (int i = 0; i < heads.length; i++) for (int j = 0; j < hd; j++) out[i * hd + j] = heads[i] * hd + j;
        return out;
    }

    public static float[] select(float[] v, int[] keep) {
        if (v == null) return null;
        float[] out = new float[keep.length];
        for (int i = 0; i < keep.length; i++) out[i] = v[keep[i]];
        return out;
    }

    /** The indices of [0, n) not in {@code keep} (sorted). */
    public static int[] complement(int[] keep, int n) {
        boolean[] k = new boolean[n];
        for (int i : keep) k[i] = true;
        int[] out = new int[n - keep.length];
        int j = 0;
        for (int i = 0; i < n; i++) if (!k[i]) out[j++] = i;
        return out;
    }
}
