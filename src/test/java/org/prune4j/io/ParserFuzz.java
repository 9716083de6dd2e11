package org.prune4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.prune4j.util.Prune4jException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A seeded mutation fuzzer for prune4j's parsers: byte flips, truncations and special integers/floats written into
 * binary headers, and type swaps, huge/negative/NaN numbers, deleted keys and deep nesting in JSON. Every case must
 * end either in a successful load or in the project's one-line error type within a time bound; anything else (another
 * exception, an Error such as out-of-memory or stack overflow, a hang) is a finding, recorded with its seed.
 */
final class ParserFuzz {
    /** What happened to each case, and the findings (case id → what was thrown). */
    record Report(int cases, int loaded, int refused, Map<String, String> findings, List<String> sampleRefusals) {}

    private static final long[] SPECIAL = {0, 1, -1, 2, 31, 32, 255, 1L << 31, (1L << 31) - 1, 0xffffffffL, 1_000_000_000L, Long.MAX_VALUE,
            Long.MIN_VALUE, Double.doubleToLongBits(Double.NaN), Double.doubleToLongBits(Double.POSITIVE_INFINITY), Float.floatToIntBits(Float.NaN),
            Float.floatToIntBits(Float.NEGATIVE_INFINITY), Float.floatToIntBits(0f)};

    private ParserFuzz() {}

    /** Binary mutation of the first {@code headerBytes} bytes (where the structure lives) or truncation anywhere. */
    static byte[] mutateBinary(byte[] src, int headerBytes, SplittableRandom r) {
        int kind = r.nextInt(4);
        if (kind == 0) return java.util.Arrays.copyOf(src, r.nextInt(src.length));
        byte[] b = src.clone();
        int span = Math.min(headerBytes, b.length);
        if (kind == 1) {
            for (int k = 1 + r.nextInt(8); k > 0; k--) b[r.nextInt(span)] ^= (byte) (1 << r.nextInt(8));
            return b;
        }
        int width = kind == 2 ? 4 : 8;
        int at = r.nextInt(Math.max(1, span - width)) & ~(width - 1);
        long v = SPECIAL[r.nextInt(SPECIAL.length)];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (at + width <= b.length) {
            if (width == 4) bb.putInt(at, (int) v);
            else bb.putLong(at, v);
        }
        return b;
    }

    /** JSON mutation: one random node changed (type swap, special number, deleted key, deep nesting). */
    static String mutateJson(String json, SplittableRandom r) throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode root = m.readTree(json);
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(r.nextInt(containers.size()));
        if (target instanceof ObjectNode o && o.size() > 0) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            String k = keys.get(r.nextInt(keys.size()));
            switch (r.nextInt(6)) {
                case 0 -> o.remove(k);
                case 1 -> o.put(k, SPECIAL[r.nextInt(SPECIAL.length)]);
                case 2 -> o.put(k, -1 - r.nextInt(1000));
                case 3 -> o.put(k, "NaN");
                case 4 -> o.set(k, m.createArrayNode().add(1).add("x"));
                default -> o.put(k, DEEP);
            }
        } else if (target instanceof ArrayNode a && a.size() > 0) {
            int i = r.nextInt(a.size());
            switch (r.nextInt(4)) {
                case 0 -> a.remove(i);
                case 1 -> a.set(i, m.getNodeFactory().numberNode(SPECIAL[r.nextInt(SPECIAL.length)]));
                case 2 -> a.set(i, m.getNodeFactory().textNode("\u0000\uffff"));
                default -> a.add(m.createObjectNode());
            }
        }
        String out = m.writeValueAsString(root);
        // Deep nesting is spliced in as text: Jackson refuses to write more than 1,000 levels itself.
        int depth = 1 + r.nextInt(30000);
        return out.replace("\"" + DEEP + "\"", "[".repeat(depth) + "]".repeat(depth));
    }

    private static final String DEEP = "__prune4j_deep_nesting__";

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) out.add(n);
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) collect(it.next(), out);
    }

    /**
     * Runs {@code cases} mutations: {@code write} writes the mutated input of case i (from its own seeded generator),
     * {@code load} reads it. Each case runs on its own thread with a deadline.
     */
    static Report run(String name, int cases, long seed, java.util.function.BiConsumer<Integer, SplittableRandom> write, Consumer<Integer> load,
                      long timeoutMs) {
        int loaded = 0, refused = 0;
        Map<String, String> findings = new TreeMap<>();
        List<String> samples = new ArrayList<>();
        java.util.concurrent.ThreadFactory daemons = r -> {
            Thread t = new Thread(null, r, "fuzz-" + name, 1 << 20);
            t.setDaemon(true); // a hung case must not keep the test JVM alive
            return t;
        };
        ExecutorService ex = Executors.newSingleThreadExecutor(daemons);
        try {
            for (int i = 0; i < cases; i++) {
                final int id = i;
                try {
                    write.accept(i, new SplittableRandom(seed * 1_000_003L + i));
                } catch (Exception e) {
                    throw new IllegalStateException("fuzz case " + i + " could not be written", e);
                }
                Future<?> f = ex.submit(() -> load.accept(id));
                try {
                    f.get(timeoutMs, TimeUnit.MILLISECONDS);
                    loaded++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    findings.put(name + "#" + i, "hang (> " + timeoutMs + " ms)");
                    ex.shutdownNow();
                    ex = Executors.newSingleThreadExecutor(daemons);
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof Prune4jException p && p.getMessage() != null && !p.getMessage().contains("\n") && p.getMessage().length() < 2000) {
                        refused++;
                        if (samples.size() < 3) samples.add(p.getMessage());
                    } else {
                        findings.put(name + "#" + i, c.getClass().getSimpleName() + ": " + String.valueOf(c.getMessage()).lines().findFirst().orElse("")
                                + (c.getStackTrace().length > 0 ? " at " + c.getStackTrace()[0] : ""));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.shutdownNow();
        }
        return new Report(cases, loaded, refused, findings, samples);
    }

    static void write(Path p, byte[] b) {
        try {
            Files.write(p, b);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
