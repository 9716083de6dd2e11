package org.prune4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A row-major 2-D weight tensor [rows × cols] in its stored dtype, over a {@link MemorySegment} that is either
 * a slice of a memory-mapped file (zero copy) or heap memory. Linear layers store W as [out × in], so one row
 * is one output unit: structured pruning removes rows (q/k/v/gate/up) or columns (o/down).
 */
public final class Matrix implements Weight {
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final DType dtype;
    private final int rows;
    private final int cols;
    private final long rowBytes;

    public Matrix(MemorySegment data, DType dtype, int rows, int cols) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        if (cols % dtype.blockSize != 0) {
            throw new IllegalArgumentException(dtype + " rows must be a multiple of " + dtype.blockSize + " wide, got " + cols);
        }
        this.rowBytes = dtype.bytesFor(cols);
        if (data.byteSize() != rowBytes * rows) {
            throw new IllegalArgumentException("tensor data is " + data.byteSize() + " bytes, shape " + rows + "x" + cols
                    + " " + dtype + " needs " + rowBytes * rows);
        }
        this.data = data;
        this.dtype = dtype;
        this.rows = rows;
        this.cols = cols;
    }

    /** Wraps a float array (copied into an off-heap-compatible heap segment, no copy of the values). */
    public static Matrix ofFloats(float[] values, int rows, int cols) {
        if (values.length != rows * cols) throw new IllegalArgumentException("array length " + values.length + " != " + rows + "x" + cols);
        // A byte[] heap segment keeps every access path (vector loads included) on one segment kind.
        MemorySegment seg = MemorySegment.ofArray(new byte[values.length * 4]);
        MemorySegment.copy(values, 0, seg, F32, 0, values.length);
        return new Matrix(seg, DType.F32, rows, cols);
    }

    /** Encodes float values into a fresh heap matrix of the given dtype. */
    public static Matrix encode(float[] values, int rows, int cols, DType dtype) {
        if (dtype == DType.F32) return ofFloats(values, rows, cols);
        long rowBytes = dtype.bytesFor(cols);
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(rowBytes * rows)]);
        for (int r = 0; r < rows; r++) {
            RowCodec.encodeRow(values, r * cols, cols, dtype, seg, r * rowBytes);
        }
        return new Matrix(seg, dtype, rows, cols);
    }

    public MemorySegment data() { return data; }
    @Override public DType dtype() { return dtype; }
    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public Matrix base() { return this; }
    @Override public Matrix materialize() { return this; }
    public long rowBytes() { return rowBytes; }
    public long elements() { return (long) rows * cols; }

    public float get(int r, int c) {
        long base = r * rowBytes;
        return switch (dtype) {
            case F32 -> data.get(F32, base + 4L * c);
            case F16 -> Half.f16ToFloat(data.get(I16, base + 2L * c));
            case BF16 -> Half.bf16ToFloat(data.get(I16, base + 2L * c));
            case Q8_0 -> {
                long block = base + (long) (c / 32) * 34;
                yield Half.f16ToFloat(data.get(I16, block)) * data.get(ValueLayout.JAVA_BYTE, block + 2 + c % 32);
            }
        };
    }

    /** Widens rows [r0, r0+n) to f32 into dst (dense, n × cols). */
    @Override
    public void readRows(int r0, int n, float[] dst, int dstOff) {
        if (dtype == DType.F32) {
            MemorySegment.copy(data, F32, r0 * rowBytes, dst, dstOff, n * cols);
            return;
        }
        for (int i = 0; i < n; i++) {
            RowCodec.decodeRow(data, (r0 + i) * rowBytes, cols, dtype, dst, dstOff + i * cols);
        }
    }


    @Override
    public String toString() {
        return "Matrix[" + rows + "x" + cols + " " + dtype + "]";
    }
}
