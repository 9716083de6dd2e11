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
        for (int r0 = 0; r0 < m; r0 += 64) {
            int rb = Math.min(64, m - r0);
            int t = 0;
            for (; t + 4 <= n; t += 4) {
                int r = 0;
                for (; r + 2 <= rb; r += 2) {
                    kernel4x2(x, xOff + t * ldx, ldx, w, wOff + (r0 + r) * ldw, ldw, k, y, yOff + t * ldy + r0 + r, ldy);
                }
                for (; r < rb; r++) {
                    for (int tt = t; tt < t + 4; tt++) y[yOff + tt * ldy + r0 + r] = dot(x, xOff + tt * ldx, w, wOff + (r0 + r) * ldw, k);
                }
            }
            for (; t < n; t++) {
                for (int r = 0; r < rb; r++) y[yOff + t * ldy + r0 + r] = dot(x, xOff + t * ldx, w, wOff + (r0 + r) * ldw, k);
            }
        }
    }

    /**
     * Four rows of x (at xo, xo+ldx, ...) against two rows of w (at wo, wo+ldw) over k columns; results go to
     * y[yo + i·ldy + j] for token i, row j. Eight accumulators: every w load serves four tokens, every x load two rows.
     */
    private static void kernel4x2(float[] x, int xo, int ldx, float[] w, int wo, int ldw, int k, float[] y, int yo, int ldy) {
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
        float s00 = sum(a00), s01 = sum(a01);
        float s10 = sum(a10), s11 = sum(a11);
        float s20 = sum(a20), s21 = sum(a21);
        float s30 = sum(a30), s31 = sum(a31);
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
     * Sum of a vector's lanes in lane order. {@code reduceLanes(ADD)} leaves the order open, and the interpreter and
     * the JIT's intrinsic do add in different orders, so the same product could round differently before and after
     * warm-up; a fixed order makes every result a function of its inputs alone (deterministic runs and plans).
     */
    public static float sum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    /** Dot product of two f32 array ranges, vectorised with two accumulators. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 2 * L <= n; c += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, bo + c), acc0);
            acc1 = FloatVector.fromArray(S, a, ao + c + L).fma(FloatVector.fromArray(S, b, bo + c + L), acc1);
        }
        for (; c + L <= n; c += L) {
            acc0 = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, bo + c), acc0);
        }
        float s = sum(acc0.add(acc1));
        for (; c < n; c++) s += a[ao + c] * b[bo + c];
        return s;
    }

    /** Decode path: each output row streamed from the segment once for all (&lt; 4) tokens. */
    private static void streamRows(float[] x, int n, Matrix w, float[] y, int r0, int r1) {
        MemorySegment seg = w.data();
        int k = w.cols(), m = w.rows();
        long rowBytes = w.rowBytes();
        boolean bf16 = w.dtype() == DType.BF16;
        for (int r = r0; r < r1; r++) {
            long base = r * rowBytes;
            for (int t = 0; t < n; t++) {
                y[t * m + r] = bf16 ? dotBf16(seg, base, x, t * k, k) : dotF32(seg, base, x, t * k, k);
            }
        }
    }

    static float dotF32(MemorySegment w, long base, float[] x, int xo, int k) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 2 * L <= k; c += 2 * L) {
            acc0 = FloatVector.fromMemorySegment(S, w, base + 4L * c, LE).fma(FloatVector.fromArray(S, x, xo + c), acc0);
            acc1 = FloatVector.fromMemorySegment(S, w, base + 4L * (c + L), LE).fma(FloatVector.fromArray(S, x, xo + c + L), acc1);
        }
        for (; c + L <= k; c += L) {
            acc0 = FloatVector.fromMemorySegment(S, w, base + 4L * c, LE).fma(FloatVector.fromArray(S, x, xo + c), acc0);
        }
        float s = sum(acc0.add(acc1));
        for (; c < k; c++) s += w.get(Matrix.F32, base + 4L * c) * x[xo + c];
        return s;
    }

    private static final VectorSpecies<Short> SH = ShortVector.SPECIES_128.length() == L
            ? ShortVector.SPECIES_128 : VectorSpecies.of(short.class, jdk.incubator.vector.VectorShape.forBitSize(L * 16));

    /** bf16 → f32 is a 16-bit left shift of the bit pattern: widen short lanes to int, shift, reinterpret. */
    static float dotBf16(MemorySegment w, long base, float[] x, int xo, int k) {
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (; c + L <= k; c += L) {
            ShortVector s = ShortVector.fromMemorySegment(SH, w, base + 2L * c, LE);
            FloatVector v = ((IntVector) s.convertShape(VectorOperators.S2I, IntVector.SPECIES_PREFERRED, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = v.fma(FloatVector.fromArray(S, x, xo + c), acc);
        }
        float s = sum(acc);
        for (; c < k; c++) s += Float.intBitsToFloat((w.get(Matrix.I16, base + 2L * c) & 0xFFFF) << 16) * x[xo + c];
        return s;
    }
}
