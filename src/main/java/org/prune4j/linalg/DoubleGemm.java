package org.prune4j.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.prune4j.kernel.Parallel;

/**
 * C = A·B in double for the ICA and randomized-SVD products (row-major arrays), GotoBLAS-shaped: B is packed in
 * blocks of KC rows into panels NR columns wide, row blocks of A are shared out to the threads, and a 4 × NR
 * register tile accumulates with FMAs. Every element of C is summed by one thread in k order, so the result does
 * not depend on the thread count. 6–11× the scalar i-k-j loop on 2 threads (DoubleGemmBenchmark).
 */
public final class DoubleGemm {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 3 * L, MR = 4, KC = 256, MC = 64;
    /** Below this many multiply-adds the scalar loop wins (packing and dispatch cost). */
    private static final long SMALL = 1L << 16;

    private static Parallel shared = new Parallel(Runtime.getRuntime().availableProcessors());

    private DoubleGemm() {}

    /** The thread team DenseMatrix products use ({@code --threads}); results do not depend on it. */
    public static synchronized void useThreads(int threads) {
        if (shared.threads() == threads) return;
        shared.close();
        shared = new Parallel(threads);
    }

    /** The team DenseMatrix products use, also for callers that multiply raw arrays. */
    public static synchronized Parallel shared() {
        return shared;
    }

    /**
     * Runs body(i) for i in [0, n) on the team the products use; {@code work} is the whole loop's rough cost in
     * multiply-adds (small loops stay on the calling thread). Products inside body must pass a null team.
     */
    public static void forEach(int n, long work, java.util.function.IntConsumer body) {
        shared().forRange(n, 1, work, (from, to) -> {
            for (int i = from; i < to; i++) body.accept(i);
        });
    }

    /** c[m×n] = a[m×k] · b[k×n]; c is overwritten; a null team runs on the calling thread alone. */
    public static void multiply(double[] a, int m, int k, double[] b, int n, double[] c, Parallel par) {
        multiply(a, k, 1, m, k, b, n, c, par);
    }

    /** c[m×n] = aᵀ · b with a stored [k×m] row-major (no transpose is formed); c is overwritten. */
    public static void multiplyTransposed(double[] a, int m, int k, double[] b, int n, double[] c, Parallel par) {
        multiply(a, 1, m, m, k, b, n, c, par);
    }

    /** c = A·B where A(i, kk) = a[i·rs + kk·cs]. */
    private static void multiply(double[] a, int rs, int cs, int m, int k, double[] b, int n, double[] c, Parallel par) {
        java.util.Arrays.fill(c, 0, m * n, 0);
        if ((long) m * n * k < SMALL || m == 0 || n == 0 || k == 0) {
            scalar(a, rs, cs, m, k, b, n, c);
            return;
        }
        int panels = (n + NR - 1) / NR;
        // Tall products (m ≥ n, e.g. X·Q) share out row blocks and keep all of packed B in L2; wide ones (FastICA's
        // W·X1, n = neurons) share out panels: each task packs its own panel and runs every row over it from L1.
        boolean byRows = m >= n;
        double[] packed = new double[KC * (byRows ? panels : 0) * NR];
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            if (byRows) for (int p = 0; p < panels; p++) pack(b, n, k0, kc, p, packed, p * KC * NR);
            final int kStart = k0;
            int tasks = byRows ? (m + MC - 1) / MC : panels;
            Parallel.RangeBody body = (from, to) -> {
                double[] edge = new double[MR * NR], own = byRows ? packed : new double[KC * NR];
                for (int t = from; t < to; t++) {
                    int i0 = byRows ? t * MC : 0, i1 = byRows ? Math.min(m, i0 + MC) : m;
                    int p0 = byRows ? 0 : t, p1 = byRows ? panels : t + 1;
                    for (int p = p0; p < p1; p++) {
                        int base = byRows ? p * KC * NR : 0;
                        if (!byRows) pack(b, n, kStart, kc, p, own, 0);
                        int j0 = p * NR, width = Math.min(NR, n - j0);
                        int i = i0;
                        for (; i + MR <= i1; i += MR) tile(a, rs, cs, kStart, kc, own, base, c, n, i, j0, width, edge);
                        for (; i < i1; i++) row(a, rs, cs, kStart, kc, own, base, c, n, i, j0, width);
                    }
                }
            };
            if (par == null) body.run(0, tasks);
            else par.forRange(tasks, 1, (long) m * n * kc, body);
        }
    }

    /** Copies rows [k0, k0+kc) of panel p of B (columns [p·NR, p·NR+NR)) to dst at base: kc rows of NR, zero-padded. */
    private static void pack(double[] b, int n, int k0, int kc, int p, double[] dst, int base) {
        int j0 = p * NR, width = Math.min(NR, n - j0);
        for (int kk = 0; kk < kc; kk++) {
            int d = base + kk * NR, src = (k0 + kk) * n + j0;
            for (int j = 0; j < width; j++) dst[d + j] = b[src + j];
            for (int j = width; j < NR; j++) dst[d + j] = 0;
        }
    }

    /** Four rows of C by one panel: 4 × 3 vector accumulators, one broadcast of A per row and k. */
    private static void tile(double[] a, int rs, int cs, int k0, int kc, double[] packed, int base, double[] c, int n, int i, int j0,
                             int width, double[] edge) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        DoubleVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        int a0 = i * rs + k0 * cs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
        for (int kk = 0; kk < kc; kk++) {
            int o = base + kk * NR, ak = kk * cs;
            DoubleVector b0 = DoubleVector.fromArray(S, packed, o), b1 = DoubleVector.fromArray(S, packed, o + L),
                    b2 = DoubleVector.fromArray(S, packed, o + 2 * L);
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + ak]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = DoubleVector.broadcast(S, a[a1 + ak]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = DoubleVector.broadcast(S, a[a2 + ak]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = DoubleVector.broadcast(S, a[a3 + ak]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
        }
        c00.intoArray(edge, 0); c01.intoArray(edge, L); c02.intoArray(edge, 2 * L);
        c10.intoArray(edge, NR); c11.intoArray(edge, NR + L); c12.intoArray(edge, NR + 2 * L);
        c20.intoArray(edge, 2 * NR); c21.intoArray(edge, 2 * NR + L); c22.intoArray(edge, 2 * NR + 2 * L);
        c30.intoArray(edge, 3 * NR); c31.intoArray(edge, 3 * NR + L); c32.intoArray(edge, 3 * NR + 2 * L);
        for (int r = 0; r < MR; r++) {
            int dst = (i + r) * n + j0, src = r * NR;
            for (int j = 0; j < width; j++) c[dst + j] += edge[src + j];
        }
    }

    /** One leftover row of C by one panel (m not a multiple of 4). */
    private static void row(double[] a, int rs, int cs, int k0, int kc, double[] packed, int base, double[] c, int n, int i, int j0, int width) {
        int ai = i * rs + k0 * cs;
        for (int j = 0; j < width; j++) {
            double acc = 0;
            for (int kk = 0; kk < kc; kk++) acc = Math.fma(a[ai + kk * cs], packed[base + kk * NR + j], acc);
            c[i * n + j0 + j] += acc;
        }
    }

    private static void scalar(double[] a, int rs, int cs, int m, int k, double[] b, int n, double[] c) {
        for (int i = 0; i < m; i++) {
            for (int kk = 0; kk < k; kk++) {
                double x = a[i * rs + kk * cs];
                if (x == 0) continue;
                int bk = kk * n, ci = i * n;
                for (int j = 0; j < n; j++) c[ci + j] += x * b[bk + j];
            }
        }
    }
}
