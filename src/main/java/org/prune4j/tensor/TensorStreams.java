package org.prune4j.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes a weight's values to a file stream in a storage dtype, row by row: bytes are copied as they are where
 * the stored rows survive whole in the same dtype (any dtype, quantised blocks included), and otherwise each row
 * is widened and encoded. Memory stays at one row (or one 1 MiB chunk) whatever the tensor's size.
 */
public final class TensorStreams {
    private TensorStreams() {}

    /**
     * The dtype a weight is written in: the requested one, else its own; a column cut of Q8_0 becomes F32 (blocks
     * cannot be sliced and re-quantising would change kept values); Q8_0 rows not made of whole blocks become F16
     * (as llama.cpp's quantizer does).
     */
    public static DType storedDtype(Weight w, DType requested) {
        DType t = requested != null ? requested : w.dtype();
        if (requested == null && t == DType.Q8_0 && w instanceof SelectedWeight s && !s.wholeRows()) t = DType.F32;
        if (t == DType.Q8_0 && w.cols() % DType.Q8_0.blockSize != 0) t = DType.F16;
        return t;
    }

    public static long byteSize(Weight w, DType dtype) {
        return dtype.bytesFor(w.cols()) * w.rows();
    }

    public static void write(Weight w, DType dtype, OutputStream out) throws IOException {
        long rowBytes = dtype.bytesFor(w.cols());
        if (w instanceof Matrix m && m.dtype() == dtype) {
            copy(m.data(), 0, m.data().byteSize(), out);
            return;
        }
        if (w instanceof SelectedWeight s && s.wholeRows() && s.base().dtype() == dtype) {
            for (int r = 0; r < s.rows(); r++) copy(s.base().data(), s.baseRow(r) * rowBytes, rowBytes, out);
            return;
        }
        float[] row = new float[w.cols()];
        byte[] bytes = new byte[Math.toIntExact(rowBytes)];
        MemorySegment seg = MemorySegment.ofArray(bytes);
        for (int r = 0; r < w.rows(); r++) {
            w.readRows(r, 1, row, 0);
            RowCodec.encodeRow(row, 0, row.length, dtype, seg, 0);
            out.write(bytes);
        }
    }

    private static void copy(MemorySegment seg, long from, long n, OutputStream out) throws IOException {
        byte[] chunk = new byte[(int) Math.min(n, 1 << 20)];
        for (long p = 0; p < n; p += chunk.length) {
            int len = (int) Math.min(chunk.length, n - p);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, from + p, chunk, 0, len);
            out.write(chunk, 0, len);
        }
    }
}
