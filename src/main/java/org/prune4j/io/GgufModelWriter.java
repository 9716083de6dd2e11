package org.prune4j.io;

import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Weight;
import org.prune4j.util.AtomicOutput;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;

/**
 * Writes a model as GGUF for llama.cpp. A model whose layers all share one shape is written as architecture
 * {@code llama}; otherwise as {@code deci}, llama.cpp's LLaMA variant that reads head counts, KV heads and FFN
 * widths as per-layer arrays with the same tensor names. q/k rows are stored in GGUF's interleaved RoPE order.
 */
public final class GgufModelWriter {
    private GgufModelWriter() {}

    /** @param dtype weight dtype of the 2-D tensors, or null to keep each tensor's stored dtype */
    public static void write(Model model, Path out, DType dtype, boolean overwrite) {
        ModelConfig c = model.config();
        if (model.tokenizer() == null) {
            throw Prune4jException.inFile(out, "the model has no tokenizer to embed; load one with the model");
        }
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape s = c.layer(l);
            if (!s.hasAttention() || !s.hasMlp()) {
                // llama.cpp's deci graph aborts on a layer with zero heads or zero FFN width: refuse rather than
                // write a file that crashes the runtime.
                throw Prune4jException.inFile(out, "layer " + l + " has " + (s.hasAttention() ? "no MLP" : "no attention")
                        + "; llama.cpp cannot run such a layer, remove the whole layer instead");
            }
        }
        boolean uniform = c.isUniform();
        String arch = uniform ? "llama" : "deci";
        GgufWriter w = new GgufWriter();
        w.string("general.architecture", arch).string("general.name", "prune4j export")
                .u32("general.file_type", fileType(dtype != null ? dtype : model.weights().layers().get(0).wq().dtype()))
                .u32(arch + ".context_length", c.contextLength()).u32(arch + ".embedding_length", c.hidden())
                .u32(arch + ".block_count", c.layerCount()).u32(arch + ".vocab_size", c.vocab())
                .f32(arch + ".attention.layer_norm_rms_epsilon", c.normEps()).f32(arch + ".rope.freq_base", c.ropeTheta());
        int hd = c.layer(0).headDim();
        w.u32(arch + ".rope.dimension_count", hd).u32(arch + ".attention.key_length", hd).u32(arch + ".attention.value_length", hd);
        if (uniform) {
            w.u32(arch + ".attention.head_count", c.layer(0).heads()).u32(arch + ".attention.head_count_kv", c.layer(0).kvHeads())
                    .u32(arch + ".feed_forward_length", c.layer(0).ffnDim());
        } else {
            w.i32Array(arch + ".attention.head_count", c.layers().stream().mapToInt(LayerShape::heads).toArray())
                    .i32Array(arch + ".attention.head_count_kv", c.layers().stream().mapToInt(LayerShape::kvHeads).toArray())
                    .i32Array(arch + ".feed_forward_length", c.layers().stream().mapToInt(LayerShape::ffnDim).toArray());
        }
        GgufTokenizers.write(model.tokenizer(), w);

        w.tensor(TensorRole.TOKEN_EMBEDDING.ggufName(0), model.weights().embedding(), dtype);
        boolean half = c.ropeStyle() == RopeStyle.HALF;
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape s = c.layer(l);
            LayerWeights lw = model.weights().layers().get(l);
            for (TensorRole r : TensorRole.LAYER_ROLES) {
                if (!r.presentIn(s)) continue;
                int ropeHeads = half ? r.ropeHeads(s) : 0;
                if (r.matrix) {
                    Weight m = lw.weight(r);
                    w.tensor(r.ggufName(l), ropeHeads > 0 ? RopePermute.toInterleaved(m, ropeHeads, s.headDim()) : m, dtype);
                } else {
                    float[] v = lw.vector(r);
                    w.vector(r.ggufName(l), ropeHeads > 0 ? RopePermute.toInterleaved(v, ropeHeads, s.headDim()) : v);
                }
            }
        }
        // LLaMA-3.1 style RoPE scaling travels as llama.cpp's per-pair frequency divisors.
        if (c.ropeScaling() != null) w.vector(TensorRole.ROPE_FREQS.ggufName(0), c.ropeScaling().factors(c.ropeTheta(), hd));
        w.vector(TensorRole.OUTPUT_NORM.ggufName(0), model.weights().finalNorm());
        if (!c.tiedEmbeddings()) w.tensor(TensorRole.OUTPUT.ggufName(0), model.weights().output(), dtype);
        AtomicOutput.write(out, overwrite, w::write);
    }

    private static int fileType(DType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
            case BF16 -> 32;
        };
    }
}
