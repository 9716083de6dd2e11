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
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping tensor names to dtype,
 * shape and [begin, end) byte offsets, then the raw data. Reading maps the file; tensors are zero-copy views.
 */
public final class Safetensors implements AutoCloseable {
    private final MappedFile file;
    private final Map<String, Info> entries = new LinkedHashMap<>();
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
        if (!root.isObject()) throw Prune4jException.inFile(file.path(), "header is not a JSON object");
        this.dataStart = 8 + n;
        // Every entry checked against the file before any is read, as the safetensors library does: a dtype name,
        // a shape of non-negative integers, offsets inside the data, the byte count the shape needs, no overlaps.
        List<HeaderChecks.Span> spans = new ArrayList<>();
        root.fields().forEachRemaining(e -> {
            if (e.getKey().equals("__metadata__")) return;
            Info info = info(e.getKey(), e.getValue());
            entries.put(e.getKey(), info);
            spans.add(new HeaderChecks.Span(e.getKey(), info.begin(), info.end() - info.begin()));
        });
        HeaderChecks.requireLayout(file.path(), spans, file.size() - dataStart, 1);
    }

    /** A header entry, checked: dtype name, logical shape, [begin, end) within the data section. */
    private record Info(String dtype, long[] shape, long begin, long end) {}

    private Info info(String name, JsonNode e) {
        Path p = file.path();
        if (!e.isObject() || !e.path("dtype").isTextual()) throw Prune4jException.inFile(p, "tensor " + name + " has no dtype");
        JsonNode shape = e.path("shape"), offs = e.path("data_offsets");
        if (!shape.isArray() || shape.size() > 8) throw Prune4jException.inFile(p, "tensor " + name + " has shape " + shape + ", not a list of at most 8 sizes");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || !shape.get(i).isIntegralNumber()) throw Prune4jException.inFile(p, "tensor " + name + " has shape " + shape);
            dims[i] = shape.get(i).asLong();
        }
        long elements = HeaderChecks.elements(p, name, dims, 1L << 40);
        if (!offs.isArray() || offs.size() != 2 || !offs.get(0).canConvertToLong() || !offs.get(1).canConvertToLong()
                || !offs.get(0).isIntegralNumber() || !offs.get(1).isIntegralNumber()) {
            throw Prune4jException.inFile(p, "tensor " + name + " has data_offsets " + offs + ", not [begin, end]");
        }
        long begin = offs.get(0).asLong(), end = offs.get(1).asLong();
        if (begin < 0 || end < begin) throw Prune4jException.inFile(p, "tensor " + name + " has data_offsets [" + begin + ", " + end + ")");
        // Bytes per element of every safetensors dtype (not only those prune4j reads): offsets are checked for all.
        int width = switch (e.path("dtype").asText()) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
        if (width > 0 && end - begin != elements * width) {
            throw Prune4jException.inFile(p, "tensor " + name + " has offsets [" + begin + ", " + end + ") that do not fit shape " + shape + " " + e.path("dtype").asText());
        }
        return new Info(e.path("dtype").asText(), dims, begin, end);
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

    /** The tensor as [rows × cols] (leading dimensions folded into rows); 1-D tensors are one row. */
    public Matrix matrix(String name) {
        Info e = entries.get(name);
        if (e == null) throw Prune4jException.inFile(file.path(), "missing tensor " + name);
        DType dtype = DType.fromSafetensors(e.dtype());
        if (dtype == null) throw Prune4jException.inFile(file.path(), "tensor " + name + " has dtype " + e.dtype() + " (F32, F16, BF16 are supported)");
        long[] shape = e.shape();
        long cols = shape.length == 0 ? 1 : shape[shape.length - 1], rows = cols == 0 ? 0 : (e.end() - e.begin()) / dtype.blockBytes / cols;
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) throw Prune4jException.inFile(file.path(), "tensor " + name + " is too large");
        return new Matrix(file.slice(dataStart + e.begin(), e.end() - e.begin(), "tensor " + name), dtype, (int) rows, (int) cols);
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
