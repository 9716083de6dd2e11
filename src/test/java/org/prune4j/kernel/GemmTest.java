package org.prune4j.kernel;

import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The vector kernels against a scalar double-precision reference, for every dtype and awkward shapes. */
class GemmTest {

    private static double[] reference(float[] x, int n, Matrix w) {
        int m = w.rows(), k = w.cols();
        double[] y = new double[n * m];
        for (int t = 0; t < n; t++)
            for (int r = 0; r < m; r++) {
                double s = 0;
                for (int c = 0; c < k; c++) s += (double) x[t * k + c] * w.get(r, c);
                y[t * m + r] = s;
            }
        return y;
    }

    @Test
    void everyDtypeAndShapeMatchesTheScalarReference() {
        Random rnd = new Random(1);
        int[][] shapes = {{1, 37, 172}, {3, 16, 64}, {4, 33, 96}, {7, 50, 160}, {64, 100, 256}, {5, 3, 7}};
        try (Parallel par = new Parallel(2)) {
            for (DType dt : DType.values()) {
                for (int[] s : shapes) {
                    int n = s[0], m = s[1], k = dt == DType.Q8_0 ? (s[2] + 31) / 32 * 32 : s[2];
                    float[] wv = new float[m * k], x = new float[n * k];
                    for (int i = 0; i < wv.length; i++) wv[i] = (float) rnd.nextGaussian();
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    Matrix w = Matrix.encode(wv, m, k, dt);
                    float[] y = new float[n * m];
                    Gemm.multiply(x, n, w, y, par);
                    double[] ref = reference(x, n, w);
                    for (int i = 0; i < y.length; i++) {
                        assertThat((double) y[i]).as("%s %dx%dx%d at %d", dt, n, m, k, i).isCloseTo(ref[i], org.assertj.core.api.Assertions.within(1e-4 * Math.sqrt(k) + 1e-4 * Math.abs(ref[i])));
                    }
                    float[] y2 = new float[n * m];
                    Gemm.multiply(x, n, new Matrix[]{w}, new float[][]{y2}, par);
                    // Bit-exactness is not promised: reduceLanes may sum lanes in another order once JIT-compiled.
                    assertThat(org.prune4j.TestData.relError(y, y2)).isLessThan(1e-6);
                }
            }
        }
    }

    @Test
    void quantisationRoundTripsStayWithinOneStep() {
        Random rnd = new Random(2);
        float[] v = new float[64];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        Matrix q = Matrix.encode(v, 1, 64, DType.Q8_0), b = Matrix.encode(v, 1, 64, DType.BF16);
        for (int blk = 0; blk < 2; blk++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(v[blk * 32 + i]));
            for (int i = 0; i < 32; i++) {
                assertThat(Math.abs(q.get(0, blk * 32 + i) - v[blk * 32 + i])).isLessThanOrEqualTo(amax / 127f * 0.51f + 1e-3f);
            }
        }
        for (int i = 0; i < 64; i++) assertThat(Math.abs(b.get(0, i) - v[i])).isLessThanOrEqualTo(Math.abs(v[i]) / 128f);
    }
}
