package org.prune4j.io;

import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.RopeScaling;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.Matrix;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GGUF models of architecture {@code llama}, {@code deci} (per-layer head counts and FFN widths as arrays, what
 * prune4j exports for non-uniform plans) and {@code qwen2} (q/k/v biases, rotate-half RoPE). Weights stay mapped.
 */
public final class GgufModelReader {
    private GgufModelReader() {}

    public static Model read(Path path) {
        GgufFile g = GgufFile.open(path);
        try {
            return read(g);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    private static Model read(GgufFile g) {
        Map<String, Object> md = g.metadata();
        String arch = str(md, "general.architecture", g);
        if (!arch.equals("llama") && !arch.equals("deci") && !arch.equals("qwen2")) {
            throw Prune4jException.inFile(g.path(), "architecture '" + arch + "' is not supported (llama, deci, qwen2 are)");
        }
        Object f = g.path();
        int layers = HeaderChecks.count(f, arch + ".block_count", (long) num(md, arch + ".block_count", g), 1,
                Math.min(HeaderChecks.MAX_LAYERS, g.tensors().size()));
        HeaderChecks.requireLayerIndices(f, arch + ".block_count", g.tensors().keySet(), "blk.", layers);
        int hidden = HeaderChecks.count(f, arch + ".embedding_length", (long) num(md, arch + ".embedding_length", g), 1, HeaderChecks.MAX_HIDDEN);
        int[] heads = perLayer(md, arch + ".attention.head_count", layers, g, null, HeaderChecks.MAX_HEADS);
        int[] kvHeads = perLayer(md, arch + ".attention.head_count_kv", layers, g, heads, HeaderChecks.MAX_HEADS);
        int[] ffn = perLayer(md, arch + ".feed_forward_length", layers, g, null, HeaderChecks.MAX_FFN);
        float eps = HeaderChecks.positive(f, arch + ".attention.layer_norm_rms_epsilon", num(md, arch + ".attention.layer_norm_rms_epsilon", g));
        float theta = md.containsKey(arch + ".rope.freq_base") ? HeaderChecks.positive(f, arch + ".rope.freq_base", num(md, arch + ".rope.freq_base", g)) : 10000f;
        int ctx = HeaderChecks.count(f, arch + ".context_length", (long) num(md, arch + ".context_length", g), 1, HeaderChecks.MAX_CONTEXT);
        int firstHeads = java.util.Arrays.stream(heads).filter(h -> h > 0).findFirst().orElse(1);
        int headDim = md.containsKey(arch + ".attention.key_length")
                ? HeaderChecks.count(f, arch + ".attention.key_length", (long) num(md, arch + ".attention.key_length", g), 1, HeaderChecks.MAX_HEAD_DIM)
                : hidden / firstHeads;
        // prune4j's engine has equal key and value heads and rotates the whole head: refuse what would run wrong.
        requireOptional(md, arch + ".attention.value_length", headDim, "the key length " + headDim + " (not supported)", g);
        requireOptional(md, arch + ".rope.dimension_count", headDim, "the head dimension " + headDim + " (partial rotary embeddings are not supported)", g);

        Tokenizer tok = md.containsKey("tokenizer.ggml.model") ? GgufTokenizers.read(g) : null;
        Matrix emb = g.matrix(TensorRole.TOKEN_EMBEDDING.ggufName(0));
        int vocab = emb.rows();
        requireOptional(md, arch + ".vocab_size", vocab, "the " + vocab + " rows of token_embd.weight", g);
        if (tok != null && tok.vocabSize() != vocab) {
            throw Prune4jException.inFile(f, "the tokenizer has " + tok.vocabSize() + " tokens but token_embd.weight has " + vocab + " rows");
        }
        boolean tied = !g.tensors().containsKey(TensorRole.OUTPUT.ggufName(0));
        List<LayerShape> shapes = new ArrayList<>();
        List<LayerWeights> lw = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            // Which sub-blocks and optional biases a layer has is read off the tensors present.
            // The counts say which sub-blocks a layer has; the tensors must agree (a missing ffn_up is not a removed MLP).
            boolean att = present(g, l, heads[l] > 0, arch + ".attention.head_count", TensorRole.Q, TensorRole.K, TensorRole.V, TensorRole.O);
            boolean mlp = present(g, l, ffn[l] > 0, arch + ".feed_forward_length", TensorRole.GATE, TensorRole.UP, TensorRole.DOWN);
            boolean qkvBias = att && g.tensors().containsKey(TensorRole.Q_BIAS.ggufName(l));
            boolean oBias = att && g.tensors().containsKey(TensorRole.O_BIAS.ggufName(l));
            boolean downBias = mlp && g.tensors().containsKey(TensorRole.DOWN_BIAS.ggufName(l));
            try {
                shapes.add(new LayerShape(att ? heads[l] : 0, att ? kvHeads[l] : 0, headDim, mlp ? ffn[l] : 0, qkvBias, oBias, downBias));
            } catch (IllegalArgumentException e) {
                throw Prune4jException.inFile(g.path(), "layer " + l + ": " + e.getMessage());
            }
            LayerShape shape = shapes.get(l);
            LayerWeights.Builder b = LayerWeights.builder();
            for (TensorRole r : TensorRole.LAYER_ROLES) {
                if (!r.presentIn(shape)) continue;
                String name = r.ggufName(l);
                b.put(r, r.matrix ? g.matrix(name) : g.vector(name));
            }
            lw.add(b.build());
        }
        RopeStyle style = arch.equals("qwen2") ? RopeStyle.HALF : RopeStyle.INTERLEAVED;
        float[] freqs = g.vector(TensorRole.ROPE_FREQS.ggufName(0));
        if (freqs != null && freqs.length != headDim / 2) {
            throw Prune4jException.inFile(g.path(), "rope_freqs.weight has " + freqs.length + " values, head dim " + headDim + " needs " + headDim / 2);
        }
        ModelConfig cfg = new ModelConfig(arch, hidden, vocab, eps, theta, freqs == null ? null : new RopeScaling.Factors(freqs),
                style, tied, ctx, shapes);
        float[] norm = g.vector(TensorRole.OUTPUT_NORM.ggufName(0));
        Matrix out = tied ? emb : g.matrix(TensorRole.OUTPUT.ggufName(0));
        return new Model(cfg, new ModelWeights(emb, lw, norm, out), tok, g, g.path(), Model.FileOrigin.of(g.path()));
    }

    /** Whether a sub-block is there: all its tensors when the count is positive, none when it is 0, else an error. */
    private static boolean present(GgufFile g, int l, boolean counted, String field, TensorRole... roles) {
        for (TensorRole r : roles) {
            boolean has = g.tensors().containsKey(r.ggufName(l));
            if (counted && !has) throw Prune4jException.inFile(g.path(), "missing tensor " + r.ggufName(l) + " (" + field + " of layer " + l + " is not 0)");
            if (!counted && has) throw Prune4jException.inFile(g.path(), "holds " + r.ggufName(l) + " but " + field + " of layer " + l + " is 0");
        }
        return counted;
    }

    /** An optional integer field, when present, must equal what the tensors or the engine fix ({@code expected}). */
    private static void requireOptional(Map<String, Object> md, String key, long expected, String what, GgufFile g) {
        if (!md.containsKey(key)) return;
        long v = (long) num(md, key, g);
        if (v != expected) throw Prune4jException.inFile(g.path(), key + " " + v + " differs from " + what);
    }

    static String str(Map<String, Object> md, String key, GgufFile g) {
        if (!(md.get(key) instanceof String s)) throw Prune4jException.inFile(g.path(), "missing or non-string metadata " + key);
        return s;
    }

    static double num(Map<String, Object> md, String key, GgufFile g) {
        if (!(md.get(key) instanceof Number n)) throw Prune4jException.inFile(g.path(), "missing or non-numeric metadata " + key);
        return n.doubleValue();
    }

    /** A per-layer value stored either as one scalar or as an array of block_count entries. */
    private static int[] perLayer(Map<String, Object> md, String key, int layers, GgufFile g, int[] fallback, int max) {
        Object v = md.get(key);
        int[] out = new int[layers];
        if (v == null && fallback != null) return fallback.clone();
        if (v instanceof Number n) {
            java.util.Arrays.fill(out, HeaderChecks.count(g.path(), key, n.longValue(), 0, max));
        } else if (v instanceof List<?> l) {
            if (l.size() != layers) throw Prune4jException.inFile(g.path(), key + " has " + l.size() + " entries for " + layers + " layers");
            for (int i = 0; i < layers; i++) {
                if (!(l.get(i) instanceof Long x)) throw Prune4jException.inFile(g.path(), key + "[" + i + "] is not an integer");
                out[i] = HeaderChecks.count(g.path(), key + "[" + i + "]", x, 0, max);
            }
        } else {
            throw Prune4jException.inFile(g.path(), "missing metadata " + key);
        }
        return out;
    }
}
