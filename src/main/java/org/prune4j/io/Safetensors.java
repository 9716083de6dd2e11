package org.prune4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.TensorStreams;
import org.prune4j.tensor.Weight;
import org.prune4j.util.Prune4jException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping tensor names to dtype,
 * shape and [begin, end) byte offsets, then the raw data. Reading maps the file; tensors are zero-copy views.
 */
public final class Safetensors implements AutoCloseable {
    private final MappedFile file;
    private final Map<String, JsonNode> entries = new LinkedHashMap<>();
    private final long dataStart;

    private Safetensors(MappedFile file) {
        this.file = file;
        if (file.size() < 8) throw Prune4jException.inFile(file.path(), "too short for a safetensors header");
        long n = file.readLong(0, "header length");
        if (n <= 0 || n > file.size() - 8 || n > 100_000_000) {
            throw Prune4jException.inFile(file.path(), "header length " + n + " runs past the end of the file (" + file.size() + " bytes): truncated or not safetensors");
        }
        byte[] hdr = new byte[(int) n];
        MemorySegment.copy(file.slice(8, n, "header"), ValueLayout.JAVA_BYTE, 0, hdr, 0, (int) n);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(new String(hdr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw Prune4jException.inFile(file.path(), "header is not valid JSON");
        }
        root.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("__metadata__")) entries.put(e.getKey(), e.getValue());
        });
        this.dataStart = 8 + n;
    }

    public static Safetensors open(Path p) {
        MappedFile f = MappedFile.open(p);
        try {
            return new Safetensors(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public Path path() { return file.path(); }

    public boolean has(String name) { return entries.containsKey(name); }

    public java.util.Set<String> names() { return entries.keySet(); }

    /** The tensor as [rows × cols]; 1-D tensors are one row. */
    public Matrix matrix(String name) {
        JsonNode e = entries.get(name);
        if (e == null) throw Prune4jException.inFile(file.path(), "missing tensor " + name);
        String dt = e.path("dtype").asText();
        DType dtype = DType.fromSafetensors(dt);
        if (dtype == null) throw Prune4jException.inFile(file.path(), "tensor " + name + " has dtype " + dt + " (F32, F16, BF16 are supported)");
        JsonNode shape = e.path("shape");
        long cols = shape.size() == 0 ? 1 : shape.get(shape.size() - 1).asLong(), rows = 1;
        for (int i = 0; i + 1 < shape.size(); i++) rows *= shape.get(i).asLong();
        long begin = e.path("data_offsets").path(0).asLong(-1), end = e.path("data_offsets").path(1).asLong(-1);
        if (begin < 0 || end < begin || end - begin != dtype.bytesFor(rows * cols)) {
            throw Prune4jException.inFile(file.path(), "tensor " + name + " has offsets [" + begin + ", " + end + ") that do not fit shape " + shape + " " + dt);
        }
        return new Matrix(file.slice(dataStart + begin, end - begin, "tensor " + name), dtype, (int) rows, (int) cols);
    }

    public float[] vector(String name) {
        return matrix(name).toFloats();
    }

    /** One tensor to write: its values (streamed when written) and the dtype they are stored in. */
    public record Entry(Weight data, DType dtype, long[] shape) {
        public long bytes() {
            return TensorStreams.byteSize(data, dtype);
        }
    }

    /** Writes tensors (name → values, dtype and logical shape) to one safetensors file, row by row. */
    public static void write(Path out, Map<String, Entry> tensors) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode hdr = om.createObjectNode();
        hdr.putObject("__metadata__").put("format", "pt");
        long off = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            Entry m = e.getValue();
            if (m.dtype().safetensorsName == null) throw new IOException("safetensors has no dtype for " + m.dtype() + " (tensor " + e.getKey() + ")");
            ObjectNode t = hdr.putObject(e.getKey());
            t.put("dtype", m.dtype().safetensorsName);
            var shape = t.putArray("shape");
            for (long d : m.shape()) shape.add(d);
            long size = m.bytes();
            t.putArray("data_offsets").add(off).add(off + size);
            off += size;
        }
        byte[] json = om.writeValueAsBytes(hdr);
        int padded = (json.length + 7) / 8 * 8; // keeps tensor data 8-byte aligned, as HF's writer does
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            os.write(json);
            for (int i = json.length; i < padded; i++) os.write(' ');
            for (Entry m : tensors.values()) TensorStreams.write(m.data(), m.dtype(), os);
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
