package org.prune4j.bench;

import org.prune4j.kernel.Parallel;
import org.prune4j.linalg.DoubleGemm;

import java.util.Random;

/**
 * Double GEMM on the functional-networks shapes: the scalar i-k-j loop DenseMatrix used before against
 * {@link DoubleGemm} on 1 and 2 threads, alternating rounds in one process, best of each, GFLOP/s and ratios.
 * Shapes: FastICA's W·X1 and g(Y)·X1ᵀ at a 1B layer (k = 128 components, 11264 neurons) and a randomized-SVD
 * power step (rows × neurons · 138). Run: tools/experiments/double-gemm-bench.sh [ROUNDS].
 */
public final class DoubleGemmBenchmark {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int[][] shapes = {{128, 128, 11264}, {128, 11264, 128}, {4096, 11264, 138}};
        String[] names = {"W·X1 (FastICA)", "g(Y)·X1ᵀ (FastICA)", "X·Q (randomized SVD)"};
        System.out.println("| product | m×k×n | scalar GFLOP/s | DoubleGemm 1 thread | DoubleGemm 2 threads | 2 threads / scalar |");
        System.out.println("|---|---|---|---|---|---|");
        try (Parallel one = new Parallel(1); Parallel two = new Parallel(2)) {
            for (int s = 0; s < shapes.length; s++) {
                int m = shapes[s][0], k = shapes[s][1], n = shapes[s][2];
                Random r = new Random(s);
                double[] a = new double[m * k], b = new double[k * n], c = new double[m * n];
                for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian();
                for (int i = 0; i < b.length; i++) b[i] = r.nextGaussian();
                double sc = Double.MAX_VALUE, g1 = Double.MAX_VALUE, g2 = Double.MAX_VALUE;
                for (int round = 0; round < rounds; round++) {
                    sc = Math.min(sc, time(() -> scalar(a, m, k, b, n, c)));
                    g1 = Math.min(g1, time(() -> DoubleGemm.multiply(a, m, k, b, n, c, one)));
                    g2 = Math.min(g2, time(() -> DoubleGemm.multiply(a, m, k, b, n, c, two)));
                }
                double flop = 2.0 * m * k * n / 1e9;
                System.out.printf("| %s | %dx%dx%d | %.1f | %.1f | %.1f | %.1f× |%n", names[s], m, k, n, flop / sc, flop / g1, flop / g2, sc / g2);
            }
        }
    }

    /** DenseMatrix.times before DoubleGemm: i-k-j, one thread, left to the JIT's auto-vectorisation. */
    static void scalar(double[] a, int m, int k, double[] b, int n, double[] c) {
        java.util.Arrays.fill(c, 0);
        for (int i = 0; i < m; i++) {
            for (int kk = 0; kk < k; kk++) {
                double x = a[i * k + kk];
                int bk = kk * n, ci = i * n;
                for (int j = 0; j < n; j++) c[ci + j] += x * b[bk + j];
            }
        }
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
