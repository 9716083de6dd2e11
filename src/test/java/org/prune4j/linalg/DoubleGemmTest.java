package org.prune4j.linalg;

import org.junit.jupiter.api.Test;
import org.prune4j.kernel.Parallel;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The double GEMM against the textbook triple loop (closed form) on shapes that exercise every edge: rows not a
 * multiple of the 4-row tile, columns not a multiple of the panel, inner sizes across the k-blocking; Aᵀ·B without
 * a transpose; and bit-identical results on 1 and 2 threads.
 */
class DoubleGemmTest {
    static double[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextDouble(-1, 1);
        return x;
    }

    @Test
    void equalsTheTripleLoopOnEveryEdgeShape() {
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {37, 300, 13}, {64, 257, 128}, {130, 513, 25}, {5, 1000, 138}, {128, 128, 344}};
        try (Parallel one = new Parallel(1); Parallel two = new Parallel(2)) {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                double[] a = random(m * k, m * 31L + k), b = random(k * n, n * 17L + k);
                double[] c1 = new double[m * n], c2 = new double[m * n], ct = new double[m * n];
                DoubleGemm.multiply(a, m, k, b, n, c1, one);
                DoubleGemm.multiply(a, m, k, b, n, c2, two);
                assertThat(c2).as("threads, shape %dx%dx%d", m, k, n).containsExactly(c1);
                double[] at = new double[k * m];
                for (int i = 0; i < m; i++) for (int kk = 0; kk < k; kk++) at[kk * m + i] = a[i * k + kk];
                DoubleGemm.multiplyTransposed(at, m, k, b, n, ct, two);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double ref = 0, mag = 0;
                        for (int kk = 0; kk < k; kk++) {
                            ref += a[i * k + kk] * b[kk * n + j];
                            mag += Math.abs(a[i * k + kk] * b[kk * n + j]);
                        }
                        assertThat(Math.abs(c1[i * n + j] - ref)).as("shape %dx%dx%d at %d,%d", m, k, n, i, j).isLessThanOrEqualTo(1e-14 * mag + 1e-300);
                        assertThat(Math.abs(ct[i * n + j] - ref)).as("transposed, shape %dx%dx%d", m, k, n).isLessThanOrEqualTo(1e-14 * mag + 1e-300);
                    }
                }
            }
        }
    }
}
