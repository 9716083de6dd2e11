package org.prune4j.model;

import org.prune4j.tensor.DType;
import org.prune4j.tensor.CounterNoise;
import org.prune4j.tensor.GeneratedWeight;
import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.Weight;
import org.prune4j.tokenizer.SentencePieceTokenizer;
import org.prune4j.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random-weight checkpoints of any shape, for tests and benchmarks (no larger pretrained model is available
 * offline). Weights are scaled like a trained model's (≈1/√fan-in), so activations and logits stay in a
 * realistic range; the tokenizer is a byte-fallback SentencePiece vocabulary of the requested size.
 */
public final class SyntheticModel {
    private SyntheticModel() {}

    /**
     * Named shapes: "smollm-135m" (hidden 576, 30 layers, 9 heads, 3 KV heads, MLP 1536, vocab 49152), "llama-1b"
     * (TinyLlama-like, GQA 32/8), "llama-7b" (LLaMA-2-7B), "tiny".
     */
    public static ModelConfig preset(String name) {
        return switch (name) {
            case "smollm-135m" -> uniform("llama", 576, 30, 9, 3, 64, 1536, 49152, 2048, true);
            case "tiny" -> uniform("llama", 64, 2, 4, 2, 16, 96, 300, 256, true);
            case "llama-1b" -> uniform("llama", 2048, 16, 32, 8, 64, 8192, 32000, 2048, false);
            // LLaMA-2-7B: 6.74B parameters, 13.5 GB in BF16.
            case "llama-7b" -> uniform("llama", 4096, 32, 32, 32, 128, 11008, 32000, 4096, false);
            default -> throw new IllegalArgumentException("unknown synthetic shape '" + name + "' (smollm-135m, tiny, llama-1b, llama-7b)");
        };
    }

    public static ModelConfig uniform(String arch, int hidden, int layers, int heads, int kvHeads, int headDim, int ffn,
                                      int vocab, int ctx, boolean tied) {
        List<LayerShape> shapes = new ArrayList<>();
        for (int i = 0; i < layers; i++) shapes.add(LayerShape.plain(heads, kvHeads, headDim, ffn));
        return new ModelConfig(arch, hidden, vocab, 1e-5f, 10000f, null, RopeStyle.INTERLEAVED, tied, ctx, shapes);
    }

    public static Model create(ModelConfig c, long seed, DType dtype) {
        Random rnd = new Random(seed);
        int d = c.hidden();
        Matrix emb = random(rnd, c.vocab(), d, 1.0f, dtype);
        List<LayerWeights> layers = layers(c, rnd, (l, r, sh) -> random(rnd, sh[0], sh[1], scale(sh[1]), dtype));
        Matrix out = c.tiedEmbeddings() ? emb : random(rnd, c.vocab(), d, 1.0f, dtype);
        return new Model(c, new ModelWeights(emb, layers, norm(rnd, d), out), tokenizer(c.vocab()), null, "synthetic");
    }

    /** Makes one layer matrix of a role and shape {rows, cols}. */
    private interface MatrixMaker {
        Weight make(int layer, TensorRole role, int[] shape);
    }

    /** Every layer's tensors in role-table order: norms near 1, small biases, matrices from {@code maker}. */
    private static List<LayerWeights> layers(ModelConfig c, Random rnd, MatrixMaker maker) {
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape s = c.layer(l);
            // Draw order is the role table's, so a seed gives the same weights as long as the table keeps its order.
            LayerWeights.Builder b = LayerWeights.builder();
            for (TensorRole r : TensorRole.LAYER_ROLES) {
                if (!r.presentIn(s)) continue;
                int[] sh = r.shape(s, c.hidden());
                b.put(r, switch (r) {
                    case ATTN_NORM, FFN_NORM -> norm(rnd, c.hidden());
                    case Q_BIAS, K_BIAS, V_BIAS, O_BIAS, DOWN_BIAS -> vec(rnd, sh[0], 0.1f);
                    default -> maker.make(l, r, sh);
                });
            }
            layers.add(b.build());
        }
        return layers;
    }

    /**
     * The same kind of checkpoint with every matrix a {@link GeneratedWeight}: values exist only when a writer reads
     * them row by row, so a 7B-parameter shape is written to disk in constant memory. Each matrix has its own seed
     * (from the run seed, layer and role); norms and biases are small and drawn up front.
     */
    public static Model lazy(ModelConfig c, long seed, DType dtype) {
        Random rnd = new Random(seed);
        int d = c.hidden();
        Weight emb = new GeneratedWeight(c.vocab(), d, dtype, CounterNoise.key(seed, -1, TensorRole.TOKEN_EMBEDDING.ordinal(), 0), 1.0f);
        List<LayerWeights> layers = layers(c, rnd, (l, r, sh) -> new GeneratedWeight(sh[0], sh[1], dtype, CounterNoise.key(seed, l, r.ordinal(), 0), scale(sh[1])));
        Weight out = c.tiedEmbeddings() ? emb : new GeneratedWeight(c.vocab(), d, dtype, CounterNoise.key(seed, -1, TensorRole.OUTPUT.ordinal(), 0), 1.0f);
        return new Model(c, new ModelWeights(emb, layers, norm(rnd, d), out), tokenizer(c.vocab()), null, "synthetic");
    }

    private static float scale(int fanIn) {
        return (float) (1.0 / Math.sqrt(fanIn));
    }

    private static Matrix random(Random rnd, int rows, int cols, float std, DType dtype) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian() * std;
        return Matrix.encode(v, rows, cols, dtype);
    }

    private static float[] vec(Random rnd, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian() * std;
        return v;
    }

    private static float[] norm(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 1f + 0.1f * (float) rnd.nextGaussian();
        return v;
    }

    /** &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, 256 byte pieces, then letters and "▁pNNN" pieces up to the vocabulary size. */
    public static Tokenizer tokenizer(int vocab) {
        if (vocab < 259 + 26) throw new IllegalArgumentException("synthetic vocabulary needs at least 285 tokens, got " + vocab);
        String[] pieces = new String[vocab];
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        pieces[0] = "<unk>";
        types[0] = SentencePieceTokenizer.UNKNOWN;
        pieces[1] = "<s>";
        pieces[2] = "</s>";
        types[1] = types[2] = SentencePieceTokenizer.CONTROL;
        for (int b = 0; b < 256; b++) {
            pieces[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = SentencePieceTokenizer.BYTE;
        }
        for (int i = 259; i < vocab; i++) {
            int k = i - 259;
            pieces[i] = k < 26 ? String.valueOf((char) ('a' + k)) : "\u2581p" + k;
            types[i] = SentencePieceTokenizer.NORMAL;
            scores[i] = -k;
        }
        return new SentencePieceTokenizer(pieces, scores, types, "\u2581", true, 1, 2, 0, true, null);
    }
}
