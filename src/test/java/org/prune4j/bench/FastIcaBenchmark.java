package org.prune4j.bench;

import org.prune4j.methods.networks.FastIca;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.linalg.DoubleGemm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * FastICA restarts one after another against all restarts stacked into one product per step, on a 1B layer's
 * shape (k = 128 components, n = 11264 neurons, 10 restarts) with a fixed number of iterations (tol 0), alternating
 * rounds in one process: seconds, ms per restart-iteration, GFLOP/s of the two products (4·k²·n per restart and
 * iteration) and whether both give the same bits. Run: tools/experiments/fastica-bench.sh [THREADS] [ITERATIONS] [ROUNDS].
 */
public final class FastIcaBenchmark {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2, iters = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2, k = 128, n = 11264, restarts = 10;
        DoubleGemm.useThreads(threads);
        Random rnd = new Random(1);
        DenseMatrix s = DenseMatrix.zeros(n, k), mix = DenseMatrix.zeros(k, k);
        for (int i = 0; i < n * k; i++) s.data()[i] = Math.log(rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1); // Laplace
        for (int i = 0; i < k * k; i++) mix.data()[i] = rnd.nextGaussian();
        FastIca.Whitened w = FastIca.whiten(s.times(mix));
        List<DenseMatrix> inits = new ArrayList<>();
        for (int r = 0; r < restarts; r++) inits.add(FastIca.gaussianInit(k, r));
        double one = Double.MAX_VALUE, all = Double.MAX_VALUE;
        boolean same = true;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            List<FastIca.Result> seq = new ArrayList<>();
            for (DenseMatrix init : inits) seq.add(w.run(init, iters, 0));
            long t1 = System.nanoTime();
            List<FastIca.Result> stacked = w.runAll(inits, iters, 0);
            long t2 = System.nanoTime();
            one = Math.min(one, (t1 - t0) / 1e9);
            all = Math.min(all, (t2 - t1) / 1e9);
            for (int r = 0; r < restarts; r++) same &= seq.get(r).sources().equals(stacked.get(r).sources());
        }
        double flop = 4.0 * k * k * n * restarts * iters / 1e9;
        System.out.printf("threads %d, %d restarts x %d iterations, k = %d, n = %d (best of %d rounds)%n", threads, restarts, iters, k, n, rounds);
        System.out.printf("one after another: %.2f s, %.1f ms per restart-iteration, %.1f GFLOP/s%n", one, one * 1e3 / restarts / iters, flop / one);
        System.out.printf("stacked          : %.2f s, %.1f ms per restart-iteration, %.1f GFLOP/s (%.2fx)%n", all, all * 1e3 / restarts / iters, flop / all, one / all);
        System.out.println("identical sources: " + same);
        // Where a stacked step's time goes: the two products alone, and one k x k symmetric eigendecomposition.
        double[] stack = new double[restarts * k * k], gy = new double[restarts * k * n], next = new double[restarts * k * k];
        for (int i = 0; i < stack.length; i++) stack[i] = rnd.nextGaussian();
        double p1 = Double.MAX_VALUE, p2 = Double.MAX_VALUE, eig = Double.MAX_VALUE;
        DenseMatrix sym = mix.times(mix.transpose());
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            DoubleGemm.multiply(stack, restarts * k, k, w.x1().data(), n, gy, DoubleGemm.shared());
            long t1 = System.nanoTime();
            DoubleGemm.multiply(gy, restarts * k, n, w.x1t().data(), k, next, DoubleGemm.shared());
            long t2 = System.nanoTime();
            org.prune4j.linalg.Decompositions.symmetricEigen(sym);
            long t3 = System.nanoTime();
            p1 = Math.min(p1, (t1 - t0) / 1e9);
            p2 = Math.min(p2, (t2 - t1) / 1e9);
            eig = Math.min(eig, (t3 - t2) / 1e9);
        }
        double half = 2.0 * k * k * n * restarts / 1e9;
        System.out.printf("stacked W·X1 %.1f ms (%.1f GFLOP/s), g(Y)·X1ᵀ %.1f ms (%.1f GFLOP/s), one %dx%d eigendecomposition %.1f ms%n",
                p1 * 1e3, half / p1, p2 * 1e3, half / p2, k, k, eig * 1e3);
    }
}
