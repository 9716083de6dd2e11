package org.prune4j.io;


import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test helper: rewrites a GGUF file with metadata changed, removed or added and tensors dropped, through
 * {@link GgufWriter} (so the result is a well-formed file whose <em>content</em> is wrong), or patches a tensor
 * info's offset in place (for layouts the writer never produces).
 */
public final class GgufEdit {
    /** A metadata value with its GGUF type (GgufFile.T_*). */
    public record Typed(int type, Object value) {}

    public static final int U32 = GgufFile.T_U32, I32 = GgufFile.T_I32, I64 = GgufFile.T_I64, F32 = GgufFile.T_F32, ARRAY = GgufFile.T_ARRAY;

    /** Marks a key to delete. */
    public static final Object REMOVE = new Object();

    private GgufEdit() {}

    public static Path rewrite(Path src, Path dst, Map<String, Object> meta, Set<String> dropTensors) throws IOException {
        GgufWriter w = new GgufWriter();
        try (GgufFile g = GgufFile.open(src)) {
            for (var e : g.metadata().entrySet()) {
                Object v = meta.containsKey(e.getKey()) ? meta.get(e.getKey()) : e.getValue();
                if (v != REMOVE) put(w, e.getKey(), v);
            }
            for (var e : meta.entrySet()) if (!g.metadata().containsKey(e.getKey()) && e.getValue() != REMOVE) put(w, e.getKey(), e.getValue());
            for (GgufFile.TensorInfo t : g.tensors().values()) {
                if (dropTensors.contains(t.name())) continue;
                if (t.dims().length == 1) w.vector(t.name(), g.vector(t.name()));
                else w.tensor(t.name(), g.matrix(t.name()), t.dtype());
            }
            w.write(dst);
        }
        return dst;
    }

    private static void put(GgufWriter w, String key, Object v) {
        if (v instanceof Typed t) {
            if (t.type() == GgufFile.T_ARRAY) {
                List<?> l = (List<?>) t.value();
                w.array(key, elemType(l.isEmpty() ? 0L : l.get(0)), l);
            } else {
                w.scalar(key, t.type(), t.value());
            }
        } else if (v instanceof String s) {
            w.string(key, s);
        } else if (v instanceof Boolean b) {
            w.bool(key, b);
        } else if (v instanceof Double d) {
            w.f32(key, d);
        } else if (v instanceof Long l) {
            if (l >= 0 && l <= 0xffffffffL) w.u32(key, l);
            else w.scalar(key, GgufFile.T_I64, l);
        } else if (v instanceof List<?> l) {
            w.array(key, elemType(l.isEmpty() ? 0L : l.get(0)), l);
        } else {
            throw new IllegalArgumentException("cannot write " + key + " = " + v);
        }
    }

    private static int elemType(Object first) {
        if (first instanceof String) return GgufFile.T_STRING;
        if (first instanceof Double) return GgufFile.T_F32;
        return GgufFile.T_I32;
    }

    /** Sets the data offset of one tensor's info record, in place. */
    public static Path patchOffset(Path src, Path dst, String tensor, java.util.function.LongUnaryOperator offset) throws IOException {
        return patch(src, dst, tensor, (bb, dimsAt, nd) -> bb.putLong(dimsAt + 8 * nd + 4, offset.applyAsLong(bb.getLong(dimsAt + 8 * nd + 4))));
    }

    /** Sets the dimensions of one tensor's info record (same count), in place. */
    public static Path patchDims(Path src, Path dst, String tensor, long... dims) throws IOException {
        return patch(src, dst, tensor, (bb, dimsAt, nd) -> {
            if (nd != dims.length) throw new IllegalArgumentException(tensor + " has " + nd + " dims");
            for (int d = 0; d < nd; d++) bb.putLong(dimsAt + 8 * d, dims[d]);
        });
    }

    private interface InfoEdit {
        void apply(ByteBuffer bb, int dimsAt, int nd);
    }

    private static Path patch(Path src, Path dst, String tensor, InfoEdit edit) throws IOException {
        byte[] b = Files.readAllBytes(src);
        byte[] name = tensor.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = -1;
        outer:
        for (int i = 8; i + name.length <= b.length; i++) {
            for (int k = 0; k < name.length; k++) if (b[i + k] != name[k]) continue outer;
            // a tensor info: u64 length just before the name
            if (ByteBuffer.wrap(b, i - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() == name.length) {
                at = i + name.length;
                break;
            }
        }
        if (at < 0) throw new IllegalArgumentException("no tensor info " + tensor);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        edit.apply(bb, at + 4, bb.getInt(at));
        Files.write(dst, b);
        return dst;
    }

    /** The data offset recorded for a tensor. */
    public static long offsetOf(Path file, String tensor) {
        try (GgufFile g = GgufFile.open(file)) {
            return g.tensors().get(tensor).offset();
        }
    }

}
