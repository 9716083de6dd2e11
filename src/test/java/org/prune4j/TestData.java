package org.prune4j;

import org.prune4j.engine.Chunk;
import org.prune4j.engine.KvCache;
import org.prune4j.engine.Transformer;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Paths to bundled and shared data, and small helpers shared by the tests. */
public final class TestData {
    private TestData() {}

    public static final Path ROOT = Path.of(System.getProperty("user.dir"));
    public static final Path STORIES = ROOT.resolve("data/stories260K/stories260K.bin");
    public static final Path STORIES_V1 = ROOT.resolve("data/stories260K/stories260K_v1.bin");
    public static final Path TOK512 = ROOT.resolve("data/stories260K/tok512.bin");
    public static final Path HEAD46 = ROOT.resolve("data/tinystories/TinyStories-valid.head46.txt");
    public static final Path HELDOUT = ROOT.resolve("data/tinystories/TinyStories-valid.stories47-705.txt");

    /** Bundled data under data/ (WikiText-2 test text, the LLaMA-2 tokenizer): required, never silently skipped. */
    public static Path bundled(String rel) {
        Path p = ROOT.resolve("data").resolve(rel);
        assertThat(p).as("bundled data file").exists();
        return p;
    }

    /** An installed oracle file under tools/oracles/node_modules: required (.ci/run installs it). */
    public static Path oracle(String rel) {
        Path p = ROOT.resolve("tools/oracles/node_modules").resolve(rel);
        assertThat(p).as("oracle not installed: run (cd tools/oracles && npm install --no-save --omit=optional --ignore-scripts)").exists();
        return p;
    }

    public static Model stories() {
        return ModelLoader.load(STORIES, TOK512);
    }

    /** Next-token logits [n × vocab] for every position of one sequence (fresh cache, one batched pass). */
    public static float[] logits(Model m, int[] tokens) {
        try (Transformer tf = new Transformer(m, 1)) {
            return logits(tf, tokens);
        }
    }

    public static float[] logits(Transformer tf, int[] tokens) {
        Transformer.Hidden h = tf.forward(List.of(new Chunk(new KvCache(tf.config(), tokens.length), tokens)));
        return tf.logits(h, 0, tokens.length);
    }

    /** max |a-b| / max |a|: the relative error measure used for logits throughout. */
    public static double relError(float[] a, float[] b) {
        assertThat(b).hasSameSizeAs(a);
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            maxAbs = Math.max(maxAbs, Math.abs(a[i]));
        }
        return maxDiff / maxAbs;
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("prune4j-test");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int[] tokensOf(String s) {
        return java.util.Arrays.stream(s.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }
    /** A non-uniform GQA model with every optional bias: the shape pruned models have. */
    public static org.prune4j.model.ModelConfig ragged() {
        java.util.List<org.prune4j.model.LayerShape> l = java.util.List.of(
                new org.prune4j.model.LayerShape(8, 4, 16, 96, true, true, true),
                new org.prune4j.model.LayerShape(6, 3, 16, 64, true, false, true),
                new org.prune4j.model.LayerShape(4, 2, 16, 128, true, true, false),
                new org.prune4j.model.LayerShape(2, 1, 16, 32, true, false, false));
        return new org.prune4j.model.ModelConfig("llama", 64, 320, 1e-5f, 10000f, null, org.prune4j.model.RopeStyle.INTERLEAVED, false, 128, l);
    }


    /** A GQA model with LLaMA-3.1 RoPE scaling strong enough to move logits at short positions. */
    public static org.prune4j.model.ModelConfig llama3Scaled() {
        java.util.List<org.prune4j.model.LayerShape> l = java.util.List.of(org.prune4j.model.LayerShape.plain(4, 2, 16, 96),
                org.prune4j.model.LayerShape.plain(4, 2, 16, 96));
        return new org.prune4j.model.ModelConfig("llama", 64, 320, 1e-5f, 500_000f,
                new org.prune4j.model.RopeScaling.Llama3(8f, 1f, 4f, 64), org.prune4j.model.RopeStyle.HALF, true, 512, l);
    }

    /** The object after a round trip through Java serialization (what Spark ships); not serializable fails the test. */
    @SuppressWarnings("unchecked")
    public static <T> T shipped(T o) {
        try {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(b)) {
                out.writeObject(o);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(b.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (Exception e) {
            throw new AssertionError("not serializable: " + e, e);
        }
    }
}
