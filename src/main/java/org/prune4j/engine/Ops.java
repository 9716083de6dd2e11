package org.prune4j.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Small element-wise kernels of the decoder (the GEMMs live in {@link org.prune4j.kernel.Gemm}). */
public final class Ops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Ops() {}

    /** out[r] = x[r] / rms(x[r]) ⊙ w for each of {@code rows} rows of width d. */
    public static void rmsNorm(float[] x, float[] w, float eps, int rows, int d, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double ss = 0;
            for (int i = 0; i < d; i++) ss += x[o + i] * x[o + i];
            float inv = (float) (1.0 / Math.sqrt(ss / d + eps));
            for (int i = 0; i < d; i++) out[o + i] = w[i] * (inv * x[o + i]);
        }
    }

    /** x[r] += bias for each row. */
    public static void addBias(float[] x, float[] bias, int rows) {
        if (bias == null) return;
        int w = bias.length;
        for (int r = 0; r < rows; r++) for (int i = 0; i < w; i++) x[r * w + i] += bias[i];
    }

    /** acc += y over the first n values (the residual connection). */
    public static void addInPlace(float[] acc, float[] y, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, acc, i).add(FloatVector.fromArray(S, y, i)).intoArray(acc, i);
        }
        for (; i < n; i++) acc[i] += y[i];
    }

    public static float silu(float x) {
        return x / (1f + org.prune4j.kernel.VecMath.exp(-x));
    }

    /** gate[i] = SiLU(gate[i]) over n values, with prune4j's tier-independent vector exp (see VecMath). */
    public static void siluInPlace(float[] gate, int n) {
        int i = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, gate, i);
            x.div(one.add(org.prune4j.kernel.VecMath.exp(x.neg()))).intoArray(gate, i);
        }
        for (; i < n; i++) gate[i] = silu(gate[i]);
    }

    /** a[i] *= b[i] over n values. */
    public static void mulInPlace(float[] a, float[] b, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(a, i);
        }
        for (; i < n; i++) a[i] *= b[i];
    }

    /** x[o+i] = exp(x[o+i] - max) over n values; returns their sum. */
    public static float expShiftSum(float[] x, int o, int n, float max) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector e = org.prune4j.kernel.VecMath.exp(FloatVector.fromArray(S, x, o + i).sub(max));
            e.intoArray(x, o + i);
            acc = acc.add(e);
        }
        float sum = org.prune4j.kernel.Gemm.sum(acc);
        for (; i < n; i++) {
            x[o + i] = org.prune4j.kernel.VecMath.exp(x[o + i] - max);
            sum += x[o + i];
        }
        return sum;
    }
}
