package org.prune4j.io;

import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.util.Prune4jException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed GGUF v3 file: metadata as plain Java values (Long for integers, Double for floats, Boolean, String,
 * List for arrays) and tensor infos, with tensor data left in the mapping. Every length and offset is checked
 * against the file size before it is followed.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int T_U8 = 0, T_I8 = 1, T_U16 = 2, T_I16 = 3, T_U32 = 4, T_I32 = 5, T_F32 = 6, T_BOOL = 7,
            T_STRING = 8, T_ARRAY = 9, T_U64 = 10, T_I64 = 11, T_F64 = 12;

    /** One tensor's header entry; dims are GGML order (dims[0] is the contiguous one). */
    public record TensorInfo(String name, long[] dims, DType dtype, long offset) {
        public long elements() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }
    }

    private final MappedFile file;
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final long dataStart;
    private long pos;

    private GgufFile(MappedFile file) {
        this.file = file;
        if (file.size() < 24) throw Prune4jException.inFile(file.path(), "too short for a GGUF header (" + file.size() + " bytes)");
        if (file.readInt(0, "magic") != MAGIC) throw Prune4jException.inFile(file.path(), "wrong magic: not a GGUF file");
        int version = file.readInt(4, "version");
        if (version != 3) throw Prune4jException.inFile(file.path(), "GGUF version " + version + " is not supported (3 is)");
        long nTensors = file.readLong(8, "tensor count"), nKv = file.readLong(16, "metadata count");
        if (nTensors < 0 || nKv < 0 || nTensors > file.size() || nKv > file.size()) {
            throw Prune4jException.inFile(file.path(), "corrupt header: " + nTensors + " tensors, " + nKv + " metadata entries");
        }
        pos = 24;
        for (long i = 0; i < nKv; i++) {
            String key = string();
            metadata.put(key, value(u32("type of " + key), key, 0));
        }
        for (long i = 0; i < nTensors; i++) {
            String name = string();
            int nd = u32("dims of " + name);
            if (nd < 1 || nd > 4) throw Prune4jException.inFile(file.path(), "tensor " + name + " has " + nd + " dimensions");
            long[] dims = new long[nd];
            for (int d = 0; d < nd; d++) {
                dims[d] = i64("dims of " + name);
                if (dims[d] < 0) throw Prune4jException.inFile(file.path(), "tensor " + name + " has a negative dimension");
            }
            int type = u32("type of " + name);
            DType dt = DType.fromGgml(type);
            if (dt == null) {
                throw Prune4jException.inFile(file.path(), "tensor " + name + " has GGML type " + type
                        + ", which prune4j does not read (F32, F16, BF16, Q8_0 are supported)");
            }
            tensors.put(name, new TensorInfo(name, dims, dt, i64("offset of " + name)));
        }
        long align = metadata.get("general.alignment") instanceof Long a ? a : 32;
        if (align <= 0 || align > 1 << 20 || (align & (align - 1)) != 0) throw Prune4jException.inFile(file.path(), "bad general.alignment " + align);
        dataStart = (pos + align - 1) / align * align;
        // Every tensor inside the data section, aligned, rows whole blocks, no two sharing bytes: checked before any is read.
        List<HeaderChecks.Span> spans = new ArrayList<>();
        for (TensorInfo t : tensors.values()) {
            long n = HeaderChecks.elements(file.path(), t.name(), t.dims(), 1L << 40);
            if (t.dims()[0] % t.dtype().blockSize != 0) {
                throw Prune4jException.inFile(file.path(), "tensor " + t.name() + " is " + t.dtype() + " with rows of " + t.dims()[0]
                        + " values, not a multiple of its block of " + t.dtype().blockSize);
            }
            spans.add(new HeaderChecks.Span(t.name(), t.offset(), t.dtype().bytesFor(n)));
        }
        HeaderChecks.requireLayout(file.path(), spans, Math.max(0, file.size() - dataStart), align);
    }

    public static GgufFile open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return new GgufFile(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public Path path() { return file.path(); }
    public MappedFile mapped() { return file; }
    public Map<String, Object> metadata() { return metadata; }
    public Map<String, TensorInfo> tensors() { return tensors; }

    /** The tensor as an [rows × cols] matrix view (1-D tensors are one row). */
    public Matrix matrix(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw Prune4jException.inFile(file.path(), "missing tensor " + name);
        long cols = t.dims[0], rows = t.elements() / Math.max(1, cols);
        if (cols > Integer.MAX_VALUE || rows > Integer.MAX_VALUE) throw Prune4jException.inFile(file.path(), "tensor " + name + " too large");
        long bytes = t.dtype().bytesFor(t.elements());
        MemorySegment seg = file.slice(dataStart + t.offset(), bytes, "tensor " + name);
        return new Matrix(seg, t.dtype(), (int) rows, (int) cols);
    }

    public float[] vector(String name) {
        return tensors.containsKey(name) ? matrix(name).toFloats() : null;
    }

    private String string() {
        long len = i64("string length");
        if (len < 0 || len > file.size() - pos) throw Prune4jException.inFile(file.path(), "string length " + len + " at byte " + (pos - 8) + " runs past the end of the file");
        byte[] b = new byte[(int) len];
        MemorySegment.copy(file.slice(pos, len, "string"), ValueLayout.JAVA_BYTE, 0, b, 0, (int) len);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    private int u32(String what) {
        int v = file.readInt(pos, what);
        pos += 4;
        return v;
    }

    private long i64(String what) {
        long v = file.readLong(pos, what);
        pos += 8;
        return v;
    }

    /** A metadata value; arrays may nest a few levels (llama.cpp reads none), never deep enough to exhaust the stack. */
    private Object value(int type, String key, int depth) {
        MemorySegment s;
        switch (type) {
            case T_U8, T_I8, T_BOOL -> {
                s = file.slice(pos, 1, key);
                pos += 1;
                byte b = s.get(ValueLayout.JAVA_BYTE, 0);
                return type == T_BOOL ? (Object) (b != 0) : (Object) (long) (type == T_U8 ? b & 0xFF : b);
            }
            case T_U16, T_I16 -> {
                s = file.slice(pos, 2, key);
                pos += 2;
                short v = s.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
                return (long) (type == T_U16 ? v & 0xFFFF : v);
            }
            case T_U32, T_I32 -> {
                int v = u32(key);
                return type == T_U32 ? Integer.toUnsignedLong(v) : (long) v;
            }
            case T_F32 -> {
                return (double) Float.intBitsToFloat(u32(key));
            }
            case T_U64, T_I64 -> {
                return i64(key);
            }
            case T_F64 -> {
                return Double.longBitsToDouble(i64(key));
            }
            case T_STRING -> {
                return string();
            }
            case T_ARRAY -> {
                if (depth >= 4) throw Prune4jException.inFile(file.path(), "metadata " + key + " nests arrays more than 4 deep");
                int et = u32(key);
                long n = i64(key);
                if (n < 0 || n > file.size() - pos) throw Prune4jException.inFile(file.path(), "array " + key + " claims " + n + " entries, past the end of the file");
                List<Object> list = new ArrayList<>((int) n);
                for (long i = 0; i < n; i++) list.add(value(et, key, depth + 1));
                return list;
            }
            default -> throw Prune4jException.inFile(file.path(), "metadata " + key + " has unknown value type " + type);
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
