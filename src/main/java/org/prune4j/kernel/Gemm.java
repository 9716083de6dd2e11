package org.prune4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.Weight;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Y = X · Wᵀ for activations X [n × k] (heap f32) and a weight W [m × k]: a stored matrix in any dtype, or a view.
 *
 * <p>Prefill/calibration (n ≥ 4): threads split W's rows; each thread widens a block of rows to f32 once
 * (a memcpy for F32) and runs a 4-token × 2-row register-blocked micro-kernel over it, so every weight load
 * is reused by four tokens and every activation load by two rows. Decoding (n &lt; 4) is memory-bound, so
 * F32 and BF16 rows are streamed straight from the (mapped) segment without the copy.
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Rows widened at once: keeps the f32 block within L2 for the MLP's widest k. */
    private static final int ROW_BLOCK = 16;

    private Gemm() {}

    /** y[t*m + r] = Σ_c x[t*k + c] · W[r, c]. */
    public static void multiply(float[] x, int n, Weight w, float[] y, Parallel par) {
        multiply(x, n, new Weight[]{w}, new float[][]{y}, par);
    }

    /**
     * Several products of the same input in one parallel job (q/k/v, gate/up): one fork/join round instead of
     * several, which matters when decoding a token costs only a few hundred microseconds per layer.
     */
    public static void multiply(float[] x, int n, Weight[] ws, float[][] ys, Parallel par) {
        int k = ws[0].cols();
        int[] starts = new int[ws.length + 1];
        long work = 0;
        for (int i = 0; i < ws.length; i++) {
            if (ws[i].cols() != k) throw new IllegalArgumentException("fused gemm needs equal input widths");
            if (x.length < (long) n * k || ys[i].length < (long) n * ws[i].rows()) {
                throw new IllegalArgumentException("gemm buffers too small for " + n + "x" + k + " · " + ws[i]);
            }
            starts[i + 1] = starts[i] + (ws[i].rows() + ROW_BLOCK - 1) / ROW_BLOCK;
            work += (long) n * ws[i].rows() * k;
        }
        boolean stream = n < 4;
        par.forRange(starts[ws.length], 1, work, (b0, b1) -> {
            float[] block = null;
            for (int b = b0; b < b1; b++) {
                int which = 0;
                while (b >= starts[which + 1]) which++;
                Weight w = ws[which];
                int r0 = (b - starts[which]) * ROW_BLOCK, rb = Math.min(ROW_BLOCK, w.rows() - r0);
                // Plain stored matrices stream straight from memory when decoding; views (perturbed, low-rank)
                // always go through the widening block path, where they add their change.
                if (stream && w instanceof Matrix m && (m.dtype() == DType.F32 || m.dtype() == DType.BF16)) {
                    streamRows(x, n, m, ys[which], r0, r0 + rb);
                } else {
                    if (block == null) block = new float[ROW_BLOCK * k];
                    w.readRows(r0, rb, block, 0);
                    multiplyStrided(x, 0, k, n, k, block, 0, k, rb, ys[which], r0, w.rows());
                }
            }
        });
    }

    /**
     * Single-threaded y[yOff + t·ldy + r] = Σ_c x[xOff + t·ldx + c] · w[wOff + r·ldw + c] for t &lt; n, r &lt; m:
     * the same register-blocked kernel on strided views, so attention multiplies queries, cached keys and
     * transposed values where they lie, without copies.
     */
    public static void multiplyStrided(float[] x, int xOff, int ldx, int n, int k, float[] w, int wOff, int ldw, int m,
                                       float[] y, int yOff, int ldy) {
        float[] red = new float[8 * L];
        for (int r0 = 0; r0 < m; r0 += 64) {
            int rb = Math.min(64, m - r0);
            int t = 0;
            for (; t + 4 <= n; t += 4) {
                int r = 0;
                for (; r + 2 <= rb; r += 2) {
                    kernel4x2(x, xOff + t * ldx, ldx, w, wOff + (r0 + r) * ldw, ldw, k, y, yOff + t * ldy + r0 + r, ldy, red);
                }
                for (; r < rb; r++) {
                    for (int tt = t; tt < t + 4; tt++) y[yOff + tt * ldy + r0 + r] = dot(x, xOff + tt * ldx, w, wOff + (r0 + r) * ldw, k, red);
                }
            }
            for (; t < n; t++) {
                for (int r = 0; r < rb; r++) y[yOff + t * ldy + r0 + r] = dot(x, xOff + t * ldx, w, wOff + (r0 + r) * ldw, k, red);
            }
        }
    }

    /**
     * Four rows of x (at xo, xo+ldx, ...) against two rows of w (at wo, wo+ldw) over k columns; results go to
     * y[yo + i·ldy + j] for token i, row j. Eight accumulators: every w load serves four tokens, every x load two rows.
     */
    private static void kernel4x2(float[] x, int xo, int ldx, float[] w, int wo, int ldw, int k, float[] y, int yo, int ldy, float[] red) {
        int x0 = xo, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
        int w0 = wo, w1 = wo + ldw;
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
        int upper = S.loopBound(k), c = 0;
        for (; c < upper; c += L) {
            FloatVector v0 = FloatVector.fromArray(S, w, w0 + c);
            FloatVector v1 = FloatVector.fromArray(S, w, w1 + c);
            FloatVector u = FloatVector.fromArray(S, x, x0 + c);
            a00 = u.fma(v0, a00);
            a01 = u.fma(v1, a01);
            u = FloatVector.fromArray(S, x, x1 + c);
            a10 = u.fma(v0, a10);
            a11 = u.fma(v1, a11);
            u = FloatVector.fromArray(S, x, x2 + c);
            a20 = u.fma(v0, a20);
            a21 = u.fma(v1, a21);
            u = FloatVector.fromArray(S, x, x3 + c);
            a30 = u.fma(v0, a30);
            a31 = u.fma(v1, a31);
        }
        // Horizontal sums through memory in a fixed order (see lanes): no vector leaves this method, so nothing is
        // boxed whatever the JIT decides to inline.
        a00.intoArray(red, 0);
        a01.intoArray(red, L);
        a10.intoArray(red, 2 * L);
        a11.intoArray(red, 3 * L);
        a20.intoArray(red, 4 * L);
        a21.intoArray(red, 5 * L);
        a30.intoArray(red, 6 * L);
        a31.intoArray(red, 7 * L);
        float s00 = lanes(red, 0), s01 = lanes(red, L);
        float s10 = lanes(red, 2 * L), s11 = lanes(red, 3 * L);
        float s20 = lanes(red, 4 * L), s21 = lanes(red, 5 * L);
        float s30 = lanes(red, 6 * L), s31 = lanes(red, 7 * L);
        for (; c < k; c++) {
            float v0 = w[w0 + c], v1 = w[w1 + c];
            s00 += x[x0 + c] * v0; s01 += x[x0 + c] * v1;
            s10 += x[x1 + c] * v0; s11 += x[x1 + c] * v1;
            s20 += x[x2 + c] * v0; s21 += x[x2 + c] * v1;
            s30 += x[x3 + c] * v0; s31 += x[x3 + c] * v1;
        }
        y[yo] = s00; y[yo + 1] = s01;
        y[yo + ldy] = s10; y[yo + ldy + 1] = s11;
        y[yo + 2 * ldy] = s20; y[yo + 2 * ldy + 1] = s21;
        y[yo + 3 * ldy] = s30; y[yo + 3 * ldy + 1] = s31;
    }

    /**
     * Sum of a vector's lanes in a fixed order. {@code reduceLanes(ADD)} leaves the order open, and the interpreter
     * (sequential) and the JIT's intrinsic (a tree of its choosing) do add in different orders, so the same product
     * could round differently before and after warm-up. Summing the stored lanes by a fixed pairwise tree makes
     * every result a function of its inputs alone (deterministic runs and plans) in every tier.
     */
    public static float sum(FloatVector v) {
        float[] red = new float[L];
        v.intoArray(red, 0);
        return lanes(red, 0);
    }

    /** Pairwise tree over red[off .. off+L): lane i + lane i+L/2, then again on the first half, and so on. */
    static float lanes(float[] red, int off) {
        if (L == 8) {
            float a = red[off] + red[off + 4], b = red[off + 1] + red[off + 5], c = red[off + 2] + red[off + 6], d = red[off + 3] + red[off + 7];
            return (a + c) + (b + d);
        }
        float[] t = java.util.Arrays.copyOfRange(red, off, off + L);
        for (int half = L / 2; half >= 1; half /= 2) for (int i = 0; i < half; i++) t[i] += t[i + half];
        return t[0];
    }


    /**
     * Single-threaded y[yOff + t·ldy + j] = Σ_c a[aOff + t·lda + c] · b[bOff + c·ldb + j] for t &lt; n, j &lt; m: B is
     * row-major along the output, so each a value is broadcast against a vector of B and every output lane sums over
     * c in order. No horizontal sums (cheaper for short k, and the same bits in every JIT tier). Register block:
     * 4 rows of A × 2 vectors of B.
     */
    public static void multiplyBroadcast(float[] a, int aOff, int lda, int n, int k, float[] b, int bOff, int ldb, int m,
                                         float[] y, int yOff, int ldy) {
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            int j = 0;
            for (; j + 2 * L <= m; j += 2 * L) broadcast4x2(a, aOff + t * lda, lda, k, b, bOff + j, ldb, y, yOff + t * ldy + j, ldy);
            for (; j < m; j++) for (int tt = t; tt < t + 4; tt++) y[yOff + tt * ldy + j] = column(a, aOff + tt * lda, k, b, bOff + j, ldb);
        }
        for (; t < n; t++) {
            int j = 0, ao = aOff + t * lda;
            for (; j + L <= m; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int c = 0; c < k; c++) acc = FloatVector.fromArray(S, b, bOff + c * ldb + j).fma(FloatVector.broadcast(S, a[ao + c]), acc);
                acc.intoArray(y, yOff + t * ldy + j);
            }
            for (; j < m; j++) y[yOff + t * ldy + j] = column(a, ao, k, b, bOff + j, ldb);
        }
    }

    private static void broadcast4x2(float[] a, int ao, int lda, int k, float[] b, int bo, int ldb, float[] y, int yo, int ldy) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
        for (int c = 0; c < k; c++) {
            int br = bo + c * ldb;
            FloatVector v0 = FloatVector.fromArray(S, b, br), v1 = FloatVector.fromArray(S, b, br + L);
            FloatVector u = FloatVector.broadcast(S, a[ao + c]);
            a00 = v0.fma(u, a00);
            a01 = v1.fma(u, a01);
            u = FloatVector.broadcast(S, a[ao + lda + c]);
            a10 = v0.fma(u, a10);
            a11 = v1.fma(u, a11);
            u = FloatVector.broadcast(S, a[ao + 2 * lda + c]);
            a20 = v0.fma(u, a20);
            a21 = v1.fma(u, a21);
            u = FloatVector.broadcast(S, a[ao + 3 * lda + c]);
            a30 = v0.fma(u, a30);
            a31 = v1.fma(u, a31);
        }
        a00.intoArray(y, yo);
        a01.intoArray(y, yo + L);
        a10.intoArray(y, yo + ldy);
        a11.intoArray(y, yo + ldy + L);
        a20.intoArray(y, yo + 2 * ldy);
        a21.intoArray(y, yo + 2 * ldy + L);
        a30.intoArray(y, yo + 3 * ldy);
        a31.intoArray(y, yo + 3 * ldy + L);
    }

    /** Σ_c a[ao + c] · b[bo + c·ldb], in order, with the same fused multiply-add the vector lanes use. */
    private static float column(float[] a, int ao, int k, float[] b, int bo, int ldb) {
        float s = 0;
        for (int c = 0; c < k; c++) s = Math.fma(a[ao + c], b[bo + c * ldb], s);
        return s;
    }

    /** Dot product of two f32 array ranges, vectorised with two accumulators. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n, float[] red) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 2 * L <= n; c += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, bo + c), acc0);
            acc1 = FloatVector.fromArray(S, a, ao + c + L).fma(FloatVector.fromArray(S, b, bo + c + L), acc1);
        }
        for (; c + L <= n; c += L) {
            acc0 = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, bo + c), acc0);
        }
        acc0.add(acc1).intoArray(red, 0);
        float s = lanes(red, 0);
        for (; c < n; c++) s += a[ao + c] * b[bo + c];
        return s;
    }

    /** Decode path: each output row streamed from the segment once for all (&lt; 4) tokens. */
    private static void streamRows(float[] x, int n, Matrix w, float[] y, int r0, int r1) {
        MemorySegment seg = w.data();
        int k = w.cols(), m = w.rows();
        long rowBytes = w.rowBytes();
        boolean bf16 = w.dtype() == DType.BF16;
        float[] red = new float[L];
        for (int r = r0; r < r1; r++) {
            long base = r * rowBytes;
            for (int t = 0; t < n; t++) {
                y[t * m + r] = bf16 ? dotBf16(seg, base, x, t * k, k, red) : dotF32(seg, base, x, t * k, k, red);
            }
        }
    }

    static float dotF32(MemorySegment w, long base, float[] x, int xo, int k, float[] red) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 2 * L <= k; c += 2 * L) {
            acc0 = FloatVector.fromMemorySegment(S, w, base + 4L * c, LE).fma(FloatVector.fromArray(S, x, xo + c), acc0);
            acc1 = FloatVector.fromMemorySegment(S, w, base + 4L * (c + L), LE).fma(FloatVector.fromArray(S, x, xo + c + L), acc1);
        }
        for (; c + L <= k; c += L) {
            acc0 = FloatVector.fromMemorySegment(S, w, base + 4L * c, LE).fma(FloatVector.fromArray(S, x, xo + c), acc0);
        }
        acc0.add(acc1).intoArray(red, 0);
        float s = lanes(red, 0);
        for (; c < k; c++) s += w.get(Matrix.F32, base + 4L * c) * x[xo + c];
        return s;
    }

    private static final VectorSpecies<Short> SH = ShortVector.SPECIES_128.length() == L
            ? ShortVector.SPECIES_128 : VectorSpecies.of(short.class, jdk.incubator.vector.VectorShape.forBitSize(L * 16));

    /** bf16 → f32 is a 16-bit left shift of the bit pattern: widen short lanes to int, shift, reinterpret. */
    static float dotBf16(MemorySegment w, long base, float[] x, int xo, int k, float[] red) {
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (; c + L <= k; c += L) {
            ShortVector s = ShortVector.fromMemorySegment(SH, w, base + 2L * c, LE);
            FloatVector v = ((IntVector) s.convertShape(VectorOperators.S2I, IntVector.SPECIES_PREFERRED, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = v.fma(FloatVector.fromArray(S, x, xo + c), acc);
        }
        acc.intoArray(red, 0);
        float s = lanes(red, 0);
        for (; c < k; c++) s += Float.intBitsToFloat((w.get(Matrix.I16, base + 2L * c) & 0xFFFF) << 16) * x[xo + c];
        return s;
    }
}
