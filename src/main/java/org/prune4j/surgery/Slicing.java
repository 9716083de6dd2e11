package org.prune4j.surgery;

import org.prune4j.tensor.SelectedWeight;
import org.prune4j.tensor.Weight;

/**
 * Row and column selection on weight matrices, as views: the pruned model reads the original mapping, and the
 * writers stream kept rows byte for byte (any dtype) or gather columns through f32, which is exact for
 * F32/F16/BF16. Q8_0 blocks do not survive a column cut, so such matrices are written as F32 (re-quantising would
 * change values that were not pruned).
 */
public final class Slicing {
    private Slicing() {}

    /** Rows of the given indices, in order: a view over the stored matrix (no copy). */
    public static Weight rows(Weight m, int[] keep) {
        return SelectedWeight.rowsOf(m, keep);
    }

    /** Columns of the given indices, in order: a view over the stored matrix (no copy). */
    public static Weight columns(Weight m, int[] keep) {
        return SelectedWeight.columnsOf(m, keep);
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
