package org.prune4j.bench;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.prune4j.linalg.Decompositions;
import org.prune4j.linalg.DenseMatrix;

import java.util.Random;

/**
 * The measurement behind the choice of ojAlgo for {@code org.prune4j.linalg}: symmetric eigen and SVD of 2048²
 * and thin SVD of 16384×128 (the shapes of ICA/PCA work), ojAlgo (through prune4j's wrapper, conversion included)
 * against EJML, alternating rounds in one process, best of each. Run with tools/experiments/linalg-bench.sh.
 */
public final class LinalgBenchmark {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Random rnd = new Random(0);
        DenseMatrix sq = DenseMatrix.zeros(2048, 2048), tall = DenseMatrix.zeros(16384, 128);
        for (int i = 0; i < sq.data().length; i++) sq.data()[i] = rnd.nextGaussian();
        for (int i = 0; i < tall.data().length; i++) tall.data()[i] = rnd.nextGaussian();
        DenseMatrix sym = sq.transposeTimes(sq);
        String[] ops = {"eigen 2048 (symmetric, vectors)", "svd 2048x2048", "svd 16384x128 (thin)"};
        double[][] best = new double[3][2];
        for (double[] b : best) java.util.Arrays.fill(b, Double.MAX_VALUE);
        for (int r = 0; r < rounds; r++) {
            best[0][0] = Math.min(best[0][0], time(() -> Decompositions.symmetricEigen(sym)));
            best[0][1] = Math.min(best[0][1], time(() -> ejmlEigen(sym)));
            best[1][0] = Math.min(best[1][0], time(() -> Decompositions.svd(sq)));
            best[1][1] = Math.min(best[1][1], time(() -> ejmlSvd(sq)));
            best[2][0] = Math.min(best[2][0], time(() -> Decompositions.svd(tall)));
            best[2][1] = Math.min(best[2][1], time(() -> ejmlSvd(tall)));
        }
        System.out.println("| operation | ojAlgo 57.1 (s) | EJML 0.46.1 (s) | EJML / ojAlgo |");
        System.out.println("|---|---|---|---|");
        for (int i = 0; i < 3; i++) System.out.printf("| %s | %.2f | %.2f | %.2f |%n", ops[i], best[i][0], best[i][1], best[i][1] / best[i][0]);
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static DMatrixRMaj ejml(DenseMatrix a) {
        return new DMatrixRMaj(a.rows(), a.cols(), true, a.data());
    }

    private static void ejmlEigen(DenseMatrix a) {
        var d = DecompositionFactory_DDRM.eig(a.rows(), true, true);
        if (!d.decompose(ejml(a))) throw new IllegalStateException("EJML eigen failed");
    }

    private static void ejmlSvd(DenseMatrix a) {
        SingularValueDecomposition_F64<DMatrixRMaj> d = DecompositionFactory_DDRM.svd(a.rows(), a.cols(), true, true, true);
        if (!d.decompose(ejml(a))) throw new IllegalStateException("EJML svd failed");
    }

}
