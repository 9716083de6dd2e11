package org.prune4j.io;

import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a header's fields against each other and against the file before anything is allocated or any loop is
 * sized by them, as safetensors' bounds-checked header and llama.cpp's GGUF loader do. Counts have bounds far above
 * any published LLaMA-family model (so a real model never trips them) and far below what would exhaust memory.
 */
public final class HeaderChecks {
    /** Upper bounds of header counts: Llama-3.1-405B has 126 layers, 128 heads, hidden 16384, FFN 53248, 128k vocabulary. */
    public static final int MAX_LAYERS = 1024, MAX_HEADS = 1024, MAX_HEAD_DIM = 1024, MAX_HIDDEN = 1 << 17, MAX_FFN = 1 << 20,
            MAX_VOCAB = 1 << 22, MAX_CONTEXT = 1 << 24;

    private HeaderChecks() {}

    /** A count in [min, max], else a one-line error naming the file and the field. */
    public static int count(Object file, String field, long v, long min, long max) {
        if (v < min || v > max) throw Prune4jException.inFile(file, field + " is " + v + "; it must be in " + min + ".." + max);
        return (int) v;
    }

    /** A float that must be finite and positive (norm epsilon, RoPE base, frequency factors). */
    public static float positive(Object file, String field, double v) {
        if (!(v > 0) || Double.isInfinite(v) || (float) v == 0f || Float.isInfinite((float) v)) {
            throw Prune4jException.inFile(file, field + " is " + v + "; it must be a finite number above 0");
        }
        return (float) v;
    }

    /** A tensor's bytes inside the data section: [begin, begin + bytes). */
    public record Span(String name, long begin, long bytes) {}

    /**
     * Every tensor inside the data section, aligned, and no two overlapping (a file whose tensors share bytes loads
     * garbage into one of them).
     *
     * @param align required alignment of each offset (1: none)
     */
    public static void requireLayout(Object file, List<Span> spans, long dataBytes, long align) {
        for (Span s : spans) {
            if (s.begin() < 0 || s.bytes() < 0 || s.begin() > dataBytes || s.bytes() > dataBytes - s.begin()) {
                throw Prune4jException.inFile(file, "tensor " + s.name() + " at offset " + s.begin() + " (" + s.bytes() + " bytes) lies outside the "
                        + dataBytes + " data bytes: truncated or corrupt");
            }
            if (s.begin() % align != 0) throw Prune4jException.inFile(file, "tensor " + s.name() + " offset " + s.begin() + " is not aligned to " + align + " bytes");
        }
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingLong(Span::begin));
        for (int i = 1; i < sorted.size(); i++) {
            Span a = sorted.get(i - 1), b = sorted.get(i);
            if (a.bytes() > 0 && b.bytes() > 0 && a.begin() + a.bytes() > b.begin()) {
                throw Prune4jException.inFile(file, "tensors " + a.name() + " and " + b.name() + " overlap (bytes " + b.begin() + ".."
                        + (a.begin() + a.bytes()) + ")");
            }
        }
    }

    /** Product of tensor dimensions, refusing overflow and sizes past {@code max} elements. */
    public static long elements(Object file, String name, long[] dims, long max) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) throw Prune4jException.inFile(file, "tensor " + name + " has a negative dimension " + d);
            if (d != 0 && n > max / d) throw Prune4jException.inFile(file, "tensor " + name + " claims more than " + max + " elements");
            n *= d;
        }
        return n;
    }

    /**
     * The layer indices of tensor names (e.g. "blk.N." or "model.layers.N.") must be exactly 0..layers-1: a header
     * that counts fewer layers than the file holds would silently drop some, one that counts more would invent them.
     */
    public static void requireLayerIndices(Object file, String field, Iterable<String> names, String prefix, int layers) {
        boolean[] seen = new boolean[layers];
        for (String n : names) {
            if (!n.startsWith(prefix)) continue;
            int dot = n.indexOf('.', prefix.length());
            long idx;
            try {
                idx = Long.parseLong(n.substring(prefix.length(), dot < 0 ? n.length() : dot));
            } catch (NumberFormatException e) {
                continue;
            }
            if (idx < 0 || idx >= layers) {
                throw Prune4jException.inFile(file, "holds tensor " + n + " but " + field + " says " + layers + " layers");
            }
            seen[(int) idx] = true;
        }
        for (int l = 0; l < layers; l++) {
            if (!seen[l]) throw Prune4jException.inFile(file, field + " says " + layers + " layers but no tensor of layer " + l + " is present");
        }
    }
}
