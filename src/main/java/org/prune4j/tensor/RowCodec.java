package org.prune4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.prune4j.tensor.Matrix.F32;
import static org.prune4j.tensor.Matrix.I16;

/** Converts one row between f32 and a stored dtype; the scalar reference every vector kernel is tested against. */
public final class RowCodec {
    private static final jdk.incubator.vector.VectorSpecies<Integer> BF16_OUT = jdk.incubator.vector.IntVector.SPECIES_PREFERRED;
    private static final int BF16_LANES = BF16_OUT.length();
    private static final jdk.incubator.vector.VectorSpecies<Short> BF16_IN =
            jdk.incubator.vector.VectorSpecies.of(short.class, jdk.incubator.vector.VectorShape.forBitSize(BF16_LANES * 16));

    private RowCodec() {}

    public static void decodeRow(MemorySegment src, long off, int n, DType dtype, float[] dst, int dstOff) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, F32, off, dst, dstOff, n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst[dstOff + i] = Half.f16ToFloat(src.get(I16, off + 2L * i));
            }
            case BF16 -> {
                int i = 0;
                for (int bound = n - n % BF16_LANES; i < bound; i += BF16_LANES) {
                    var s = jdk.incubator.vector.ShortVector.fromMemorySegment(BF16_IN, src, off + 2L * i, java.nio.ByteOrder.LITTLE_ENDIAN);
                    ((jdk.incubator.vector.IntVector) s.convertShape(jdk.incubator.vector.VectorOperators.S2I, BF16_OUT, 0))
                            .lanewise(jdk.incubator.vector.VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOff + i);
                }
                for (; i < n; i++) dst[dstOff + i] = Half.bf16ToFloat(src.get(I16, off + 2L * i));
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    long block = off + b * 34L;
                    float scale = Half.f16ToFloat(src.get(I16, block));
                    for (int i = 0; i < 32; i++) {
                        dst[dstOff + b * 32 + i] = scale * src.get(ValueLayout.JAVA_BYTE, block + 2 + i);
                    }
                }
            }
        }
    }

    public static void encodeRow(float[] src, int srcOff, int n, DType dtype, MemorySegment dst, long off) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, srcOff, dst, F32, off, n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst.set(I16, off + 2L * i, Half.floatToF16(src[srcOff + i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst.set(I16, off + 2L * i, Half.floatToBf16(src[srcOff + i]));
            }
            case Q8_0 -> {
                // GGML's reference quantizer: scale = absmax/127, q = round(x/scale).
                for (int b = 0; b < n / 32; b++) {
                    float amax = 0;
                    for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(src[srcOff + b * 32 + i]));
                    float d = amax / 127f;
                    float id = d != 0 ? 1f / d : 0f;
                    long block = off + b * 34L;
                    dst.set(I16, block, Half.floatToF16(d));
                    for (int i = 0; i < 32; i++) {
                        dst.set(ValueLayout.JAVA_BYTE, block + 2 + i, (byte) roundHalfAway(src[srcOff + b * 32 + i] * id));
                    }
                }
            }
        }
    }

    /** C's roundf: halves go away from zero (Math.round would send -0.5 to 0). */
    static int roundHalfAway(float v) {
        return (int) (v >= 0 ? Math.floor(v + 0.5f) : -Math.floor(-v + 0.5f));
    }
}
