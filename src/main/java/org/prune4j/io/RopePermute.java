package org.prune4j.io;

import org.prune4j.tensor.Matrix;

import java.lang.foreign.MemorySegment;

/**
 * Re-orders q/k rows between the interleaved RoPE layout (llama2.c, GGUF llama) and Hugging Face's rotate-half
 * layout. Only whole rows move, so any dtype is copied byte for byte, quantised blocks included.
 * Interleaved row (h, 2i+j) is half-layout row (h, j·hd/2 + i).
 */
public final class RopePermute {
    private RopePermute() {}

    public static Matrix toInterleaved(Matrix m, int heads, int hd) {
        return permute(m, heads, hd, true);
    }

    public static Matrix toHalf(Matrix m, int heads, int hd) {
        return permute(m, heads, hd, false);
    }

    public static float[] toInterleaved(float[] bias, int heads, int hd) {
        return bias == null ? null : permute(Matrix.ofFloats(bias, bias.length, 1), heads, hd, true).toFloats();
    }

    public static float[] toHalf(float[] bias, int heads, int hd) {
        return bias == null ? null : permute(Matrix.ofFloats(bias, bias.length, 1), heads, hd, false).toFloats();
    }

    private static Matrix permute(Matrix m, int heads, int hd, boolean toInterleaved) {
        if (m.rows() != heads * hd) throw new IllegalArgumentException(m + " is not " + heads + " heads of " + hd + " rows");
        long rb = m.rowBytes();
        MemorySegment dst = MemorySegment.ofArray(new byte[Math.toIntExact(rb * m.rows())]);
        int half = hd / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    int inter = h * hd + 2 * i + j, halfRow = h * hd + j * half + i;
                    int src = toInterleaved ? halfRow : inter, out = toInterleaved ? inter : halfRow;
                    MemorySegment.copy(m.data(), src * rb, dst, out * rb, rb);
                }
            }
        }
        return new Matrix(dst, m.dtype(), m.rows(), m.cols());
    }
}
