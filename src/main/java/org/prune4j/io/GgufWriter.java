package org.prune4j.io;

import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.TensorStreams;
import org.prune4j.tensor.Weight;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Streams a GGUF v3 file: typed metadata, tensor infos, then 32-byte aligned tensor data. */
public final class GgufWriter {
    private static final int ALIGN = 32;

    private record Kv(String key, int type, Object value, int elemType) {}

    private record Tensor(String name, Weight data, DType dtype, long[] dims) {}

    private final List<Kv> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufWriter string(String key, String v) { kvs.add(new Kv(key, GgufFile.T_STRING, v, -1)); return this; }
    public GgufWriter u32(String key, long v) { kvs.add(new Kv(key, GgufFile.T_U32, v, -1)); return this; }
    public GgufWriter f32(String key, double v) { kvs.add(new Kv(key, GgufFile.T_F32, v, -1)); return this; }
    public GgufWriter bool(String key, boolean v) { kvs.add(new Kv(key, GgufFile.T_BOOL, v, -1)); return this; }

    /** A scalar of any GGUF value type that this writer emits (strings, 32/64-bit integers, f32, bool). */
    public GgufWriter scalar(String key, int type, Object v) { kvs.add(new Kv(key, type, v, -1)); return this; }

    public GgufWriter array(String key, int elemType, List<?> values) {
        kvs.add(new Kv(key, GgufFile.T_ARRAY, values, elemType));
        return this;
    }

    public GgufWriter i32Array(String key, int[] values) {
        List<Long> l = new ArrayList<>();
        for (int v : values) l.add((long) v);
        return array(key, GgufFile.T_I32, l);
    }

    /**
     * A 2-D tensor [rows × cols] (GGML dims {cols, rows}), stored in {@code dtype} (null: its own, see
     * {@link TensorStreams#storedDtype}). Its values are streamed when the file is written, not before.
     */
    public GgufWriter tensor(String name, Weight m, DType dtype) {
        tensors.add(new Tensor(name, m, TensorStreams.storedDtype(m, dtype), new long[]{m.cols(), m.rows()}));
        return this;
    }

    public GgufWriter tensor(String name, Weight m) {
        return tensor(name, m, null);
    }

    public GgufWriter vector(String name, float[] v) {
        tensors.add(new Tensor(name, Matrix.ofFloats(v, 1, v.length), DType.F32, new long[]{v.length}));
        return this;
    }

    public void write(Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); var out = new CountingStream(new BufferedOutputStream(raw, 1 << 20))) {
            out.i32(GgufFile.MAGIC).i32(3).i64(tensors.size()).i64(kvs.size());
            for (Kv kv : kvs) {
                out.str(kv.key).i32(kv.type);
                if (kv.type == GgufFile.T_ARRAY) {
                    List<?> l = (List<?>) kv.value;
                    out.i32(kv.elemType).i64(l.size());
                    for (Object o : l) scalar(out, kv.elemType, o);
                } else {
                    scalar(out, kv.type, kv.value);
                }
            }
            long offset = 0;
            for (Tensor t : tensors) {
                out.str(t.name).i32(t.dims.length);
                for (long d : t.dims) out.i64(d);
                out.i32(t.dtype.ggmlType).i64(offset);
                offset = align(offset + TensorStreams.byteSize(t.data, t.dtype));
            }
            out.pad(align(out.count) - out.count);
            for (Tensor t : tensors) {
                TensorStreams.write(t.data, t.dtype, out);
                out.pad(align(out.count) - out.count);
            }
        }
    }

    private static long align(long x) {
        return (x + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static void scalar(CountingStream out, int type, Object v) throws IOException {
        switch (type) {
            case GgufFile.T_STRING -> out.str((String) v);
            case GgufFile.T_U32, GgufFile.T_I32 -> out.i32(((Number) v).intValue());
            case GgufFile.T_F32 -> out.i32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case GgufFile.T_BOOL -> out.write(((Boolean) v) ? 1 : 0);
            case GgufFile.T_U64, GgufFile.T_I64 -> out.i64(((Number) v).longValue());
            default -> throw new IllegalArgumentException("unsupported GGUF value type " + type);
        }
    }

    /** Little-endian primitive writer that knows its position (for alignment). */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;
        private final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int x) throws IOException {
            out.write(x);
            count++;
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            out.write(buf, off, len);
            count += len;
        }

        CountingStream i32(int v) throws IOException {
            b.clear();
            b.putInt(v);
            write(b.array(), 0, 4);
            return this;
        }

        CountingStream i64(long v) throws IOException {
            b.clear();
            b.putLong(v);
            write(b.array(), 0, 8);
            return this;
        }

        CountingStream str(String s) throws IOException {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            i64(u.length);
            write(u, 0, u.length);
            return this;
        }

        void pad(long n) throws IOException {
            for (long i = 0; i < n; i++) write(0);
        }
    }
}
