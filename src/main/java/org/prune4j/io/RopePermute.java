package org.prune4j.io;

import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.SelectedWeight;
import org.prune4j.tensor.Weight;


/**
 * Re-orders q/k rows between the interleaved RoPE layout (llama2.c, GGUF llama) and Hugging Face's rotate-half
 * layout. Only whole rows move, so the result is a row view that writers copy byte for byte in any dtype,
 * quantised blocks included.
 * Interleaved row (h, 2i+j) is half-layout row (h, j·hd/2 + i).
 */
public final class RopePermute {
    private RopePermute() {}

    /** q/k rows re-ordered to the interleaved layout: a row view, no copy. */
    public static Weight toInterleaved(Weight m, int heads, int hd) {
        return permute(m, heads, hd, true);
    }

    /** q/k rows re-ordered to the rotate-half layout: a row view, no copy. */
    public static Weight toHalf(Weight m, int heads, int hd) {
        return permute(m, heads, hd, false);
    }

    public static float[] toInterleaved(float[] bias, int heads, int hd) {
        return bias == null ? null : permute(Matrix.ofFloats(bias, bias.length, 1), heads, hd, true).toFloats();
    }

    public static float[] toHalf(float[] bias, int heads, int hd) {
        return bias == null ? null : permute(Matrix.ofFloats(bias, bias.length, 1), heads, hd, false).toFloats();
    }

    /** Source row of each output row: interleaved row (h, 2i+j) is half-layout row (h, j·hd/2 + i). */
    static int[] order(int heads, int hd, boolean toInterleaved) {
        int[] src = new int[heads * hd];
        int half = hd / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    int inter = h * hd + 2 * i + j, halfRow = h * hd + j * half + i;
                    if (toInterleaved) src[inter] = halfRow;
                    else src[halfRow] = inter;
                }
            }
        }
        return src;
    }

    private static Weight permute(Weight m, int heads, int hd, boolean toInterleaved) {
        if (m.rows() != heads * hd) throw new IllegalArgumentException(m + " is not " + heads + " heads of " + hd + " rows");
        return SelectedWeight.rowsOf(m, order(heads, hd, toInterleaved));
    }
}
