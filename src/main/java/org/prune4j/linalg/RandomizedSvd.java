package org.prune4j.linalg;

import java.util.Random;

/**
 * The top-k singular triplets of A by a randomised range finder (Halko, Martinsson &amp; Tropp 2011, algorithm 4.4,
 * as scikit-learn's {@code randomized_svd}): Y = A·Ω with Gaussian Ω [n × (k+p)], q power iterations with
 * re-orthonormalisation, then the exact SVD of the small Qᵀ·A. Seeded, so repeatable.
 */
public final class RandomizedSvd {
    private RandomizedSvd() {}

    /**
     * @param k          components wanted
     * @param oversample extra columns p of the sketch (10 as scikit-learn)
     * @param powerIters power iterations q (scikit-learn uses 4 when k is small relative to the matrix)
     */
    public static Decompositions.Svd topK(DenseMatrix a, int k, int oversample, int powerIters, long seed) {
        return topK(a, false, k, oversample, powerIters, seed);
    }

    /**
     * The same for A = xᵀ, never formed: the products go through x (x of a 1B layer's chunk is about 1 GB, its
     * transpose would be another).
     */
    public static Decompositions.Svd topKOfTranspose(DenseMatrix x, int k, int oversample, int powerIters, long seed) {
        return topK(x, true, k, oversample, powerIters, seed);
    }

    private static Decompositions.Svd topK(DenseMatrix x, boolean transposed, int k, int oversample, int powerIters, long seed) {
        Product a = new Product(x, transposed);
        int m = a.rows(), n = a.cols();
        if (k < 1 || k > Math.min(m, n)) throw new IllegalArgumentException("k = " + k + " outside 1.." + Math.min(m, n));
        int l = Math.min(Math.min(m, n), k + oversample);
        Random rnd = new Random(seed);
        DenseMatrix omega = DenseMatrix.zeros(n, l);
        for (int i = 0; i < omega.data().length; i++) omega.data()[i] = rnd.nextGaussian();
        DenseMatrix q = Decompositions.orthonormalBasis(a.times(omega));
        for (int it = 0; it < powerIters; it++) {
            DenseMatrix z = Decompositions.orthonormalBasis(a.transposeTimes(q));
            q = Decompositions.orthonormalBasis(a.times(z));
        }
        DenseMatrix b = a.leftTransposeTimes(q); // qᵀ·A, l × n
        Decompositions.Svd small = Decompositions.svd(b);
        DenseMatrix u = q.times(small.u());
        double[] s = java.util.Arrays.copyOf(small.s(), k);
        return new Decompositions.Svd(u.columns(0, k), s, small.v().columns(0, k));
    }

    /** A = x or xᵀ, as the three products of the range finder need it. */
    private record Product(DenseMatrix x, boolean transposed) {
        int rows() { return transposed ? x.cols() : x.rows(); }

        int cols() { return transposed ? x.rows() : x.cols(); }

        DenseMatrix times(DenseMatrix b) { return transposed ? x.transposeTimes(b) : x.times(b); }

        DenseMatrix transposeTimes(DenseMatrix b) { return transposed ? x.times(b) : x.transposeTimes(b); }

        /** qᵀ·A: for A = xᵀ that is (x·q)ᵀ. */
        DenseMatrix leftTransposeTimes(DenseMatrix q) { return transposed ? x.times(q).transpose() : q.transposeTimes(x); }
    }
}
