package org.prune4j.engine;

import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;

/**
 * Rotary position embedding with cos/sin tables grown on demand (LLaMA-3 contexts are too long to tabulate up
 * front). Frequencies follow the reference: θ_i = base^(-2i/hd), optionally re-scaled by LLaMA-3's rule.
 */
public final class Rope {
    private final RopeStyle style;
    private final int headDim;
    private final float[] invFreq;
    private float[] cos = new float[0], sin = new float[0];
    private int positions;

    public Rope(ModelConfig c, int headDim) {
        this.style = c.ropeStyle();
        this.headDim = headDim;
        int half = headDim / 2;
        this.invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            double f = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / headDim);
            invFreq[i] = (float) (c.ropeScaling() == null ? f : c.ropeScaling().scale(f, i));
        }
    }

    private synchronized void ensure(int maxPos) {
        if (maxPos < positions) return;
        int n = Math.max(maxPos + 1, positions * 2);
        int half = headDim / 2;
        float[] c = java.util.Arrays.copyOf(cos, n * half), s = java.util.Arrays.copyOf(sin, n * half);
        for (int p = positions; p < n; p++) {
            for (int i = 0; i < half; i++) {
                float angle = p * invFreq[i];
                c[p * half + i] = (float) Math.cos(angle);
                s[p * half + i] = (float) Math.sin(angle);
            }
        }
        cos = c;
        sin = s;
        positions = n;
    }

    /** Rotates every head of every row of x [rows × heads·hd] in place. */
    public void apply(float[] x, int rows, int heads, int[] positionOfRow) {
        rotate(x, rows, heads, positionOfRow, false);
    }

    /**
     * The inverse rotation (by −θ), which is also the transpose: it carries a gradient with respect to rotated
     * vectors back to the vectors before rotation.
     */
    public void applyInverse(float[] x, int rows, int heads, int[] positionOfRow) {
        rotate(x, rows, heads, positionOfRow, true);
    }

    private void rotate(float[] x, int rows, int heads, int[] positionOfRow, boolean inverse) {
        int maxPos = 0;
        for (int r = 0; r < rows; r++) maxPos = Math.max(maxPos, positionOfRow[r]);
        ensure(maxPos);
        int half = headDim / 2, width = heads * headDim;
        float[] c = cos, s = sin;
        for (int r = 0; r < rows; r++) {
            int tb = positionOfRow[r] * half;
            for (int h = 0; h < heads; h++) {
                int base = r * width + h * headDim;
                for (int i = 0; i < half; i++) {
                    int a = style == RopeStyle.INTERLEAVED ? base + 2 * i : base + i;
                    int b = style == RopeStyle.INTERLEAVED ? a + 1 : a + half;
                    float x0 = x[a], x1 = x[b], co = c[tb + i], si = inverse ? -s[tb + i] : s[tb + i];
                    x[a] = x0 * co - x1 * si;
                    x[b] = x0 * si + x1 * co;
                }
            }
        }
    }
}
