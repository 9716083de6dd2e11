package org.prune4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeScaling;
import org.prune4j.model.RopeStyle;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face {@code config.json} ↔ {@link ModelConfig}. Stock LLaMA / Mistral / Qwen2 configs are read as
 * they are. A model whose layers differ (or carry o/down biases) gets the extension key
 * {@code prune4j_layer_shapes}: one object per layer with {@code num_attention_heads}, {@code num_key_value_heads},
 * {@code head_dim}, {@code intermediate_size}, {@code qkv_bias}, {@code o_bias}, {@code down_bias}; the stock
 * keys then hold layer 0's values. A uniform model without extra biases is written with stock keys only.
 */
public final class HfConfig {
    public static final String LAYER_SHAPES = "prune4j_layer_shapes";

    private HfConfig() {}

    public static ModelConfig read(Path file) {
        JsonNode c = org.prune4j.util.JsonFiles.read(file);
        String archName = c.path("architectures").path(0).asText("");
        String arch = switch (archName) {
            case "LlamaForCausalLM" -> "llama";
            case "MistralForCausalLM" -> "mistral";
            case "Qwen2ForCausalLM" -> "qwen2";
            default -> throw Prune4jException.inFile(file, "architecture '" + archName
                    + "' is not supported (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM are)");
        };
        int hidden = req(c, "hidden_size", file, 1, HeaderChecks.MAX_HIDDEN), layers = req(c, "num_hidden_layers", file, 1, HeaderChecks.MAX_LAYERS);
        int heads = req(c, "num_attention_heads", file, 1, HeaderChecks.MAX_HEADS), ffn = req(c, "intermediate_size", file, 1, HeaderChecks.MAX_FFN);
        int kv = c.hasNonNull("num_key_value_heads") ? req(c, "num_key_value_heads", file, 1, heads) : heads;
        int hd = c.hasNonNull("head_dim") ? req(c, "head_dim", file, 1, HeaderChecks.MAX_HEAD_DIM) : hidden / heads;
        boolean qkvBias = arch.equals("qwen2") || c.path("attention_bias").asBoolean(false);
        boolean oBias = !arch.equals("qwen2") && c.path("attention_bias").asBoolean(false);
        boolean downBias = c.path("mlp_bias").asBoolean(false);
        if (c.path("mlp_bias").asBoolean(false)) {
            throw Prune4jException.inFile(file, "mlp_bias=true (biases on gate/up) is not supported");
        }
        List<LayerShape> shapes = new ArrayList<>();
        JsonNode ext = c.path(LAYER_SHAPES);
        try {
            if (ext.isArray()) {
                if (ext.size() != layers) throw Prune4jException.inFile(file, LAYER_SHAPES + " has " + ext.size() + " entries for " + layers + " layers");
                for (JsonNode l : ext) {
                    shapes.add(new LayerShape(req(l, "num_attention_heads", file, 0, HeaderChecks.MAX_HEADS), req(l, "num_key_value_heads", file, 0,
                            HeaderChecks.MAX_HEADS), l.has("head_dim") ? req(l, "head_dim", file, 1, HeaderChecks.MAX_HEAD_DIM) : hd,
                            req(l, "intermediate_size", file, 0, HeaderChecks.MAX_FFN),
                            l.path("qkv_bias").asBoolean(qkvBias), l.path("o_bias").asBoolean(false), l.path("down_bias").asBoolean(false)));
                }
            } else {
                for (int i = 0; i < layers; i++) shapes.add(new LayerShape(heads, kv, hd, ffn, qkvBias, oBias, downBias));
            }
        } catch (IllegalArgumentException e) {
            throw Prune4jException.inFile(file, e.getMessage());
        }
        RopeScaling scaling = null;
        JsonNode rs = c.path("rope_scaling");
        if (c.path("prune4j_rope_freq_factors").isArray()) {
            JsonNode a = c.path("prune4j_rope_freq_factors");
            if (a.size() != hd / 2) throw Prune4jException.inFile(file, "prune4j_rope_freq_factors has " + a.size() + " values, head dim " + hd + " needs " + hd / 2);
            float[] f = new float[a.size()];
            for (int i = 0; i < f.length; i++) f[i] = HeaderChecks.positive(file, "prune4j_rope_freq_factors[" + i + "]", number(a.get(i), "prune4j_rope_freq_factors", file));
            scaling = new RopeScaling.Factors(f);
        }
        if (rs.isObject()) {
            String type = rs.path("rope_type").asText(rs.path("type").asText(""));
            if (!type.equals("llama3")) throw Prune4jException.inFile(file, "rope_scaling type '" + type + "' is not supported (llama3 is)");
            scaling = new RopeScaling.Llama3(HeaderChecks.positive(file, "rope_scaling.factor", number(rs.path("factor"), "rope_scaling.factor", file)),
                    HeaderChecks.positive(file, "rope_scaling.low_freq_factor", number(rs.path("low_freq_factor"), "rope_scaling.low_freq_factor", file)),
                    HeaderChecks.positive(file, "rope_scaling.high_freq_factor", number(rs.path("high_freq_factor"), "rope_scaling.high_freq_factor", file)),
                    req(rs, "original_max_position_embeddings", file, 1, HeaderChecks.MAX_CONTEXT));
        }
        try {
            float eps = c.hasNonNull("rms_norm_eps") ? HeaderChecks.positive(file, "rms_norm_eps", number(c.get("rms_norm_eps"), "rms_norm_eps", file)) : 1e-6f;
            float theta = c.hasNonNull("rope_theta") ? HeaderChecks.positive(file, "rope_theta", number(c.get("rope_theta"), "rope_theta", file)) : 10000f;
            int ctx = c.hasNonNull("max_position_embeddings") ? req(c, "max_position_embeddings", file, 1, HeaderChecks.MAX_CONTEXT) : 2048;
            return new ModelConfig(arch, hidden, req(c, "vocab_size", file, 1, HeaderChecks.MAX_VOCAB), eps, theta, scaling, RopeStyle.HALF,
                    c.path("tie_word_embeddings").asBoolean(false), ctx, shapes);
        } catch (IllegalArgumentException e) {
            throw Prune4jException.inFile(file, e.getMessage());
        }
    }

    /** An integer field in [min, max]: missing, fractional, textual or out-of-range values are refused. */
    private static int req(JsonNode c, String key, Path file, long min, long max) {
        JsonNode v = c.path(key);
        if (!v.isIntegralNumber()) throw Prune4jException.inFile(file, "missing or non-integer " + key);
        if (!v.canConvertToLong()) throw Prune4jException.inFile(file, key + " is " + v.asText() + "; it must be in " + min + ".." + max);
        return HeaderChecks.count(file, key, v.asLong(), min, max);
    }

    /** A JSON number (a string such as "1e-5" or "tiny" is refused, not read as 0). */
    private static double number(JsonNode v, String key, Path file) {
        if (!v.isNumber()) throw Prune4jException.inFile(file, key + " is " + (v.isMissingNode() ? "missing" : v.toString()) + "; it must be a number");
        return v.asDouble();
    }

    /** @param torchDtype the dtype of the stored projection weights as transformers names it (float32, bfloat16, float16) */
    public static ObjectNode write(ModelConfig c, int bos, int eos, String torchDtype) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        boolean qwen = c.architecture().equals("qwen2");
        LayerShape l0 = c.layer(0);
        o.putArray("architectures").add(qwen ? "Qwen2ForCausalLM" : c.architecture().equals("mistral") ? "MistralForCausalLM" : "LlamaForCausalLM");
        o.put("model_type", qwen ? "qwen2" : c.architecture().equals("mistral") ? "mistral" : "llama");
        o.put("hidden_size", c.hidden());
        o.put("intermediate_size", l0.ffnDim());
        o.put("num_hidden_layers", c.layerCount());
        o.put("num_attention_heads", l0.heads());
        o.put("num_key_value_heads", l0.kvHeads());
        o.put("head_dim", l0.headDim());
        o.put("vocab_size", c.vocab());
        o.put("max_position_embeddings", c.contextLength());
        o.put("rms_norm_eps", c.normEps());
        o.put("rope_theta", c.ropeTheta());
        o.put("tie_word_embeddings", c.tiedEmbeddings());
        o.put("hidden_act", "silu");
        o.put("torch_dtype", torchDtype);
        if (!qwen) o.put("attention_bias", l0.qkvBias() && l0.oBias());
        if (bos >= 0) o.put("bos_token_id", bos);
        if (eos >= 0) o.put("eos_token_id", eos);
        if (c.ropeScaling() instanceof RopeScaling.Llama3 s) {
            ObjectNode rs = o.putObject("rope_scaling");
            rs.put("rope_type", "llama3").put("factor", s.factor()).put("low_freq_factor", s.lowFreqFactor())
                    .put("high_freq_factor", s.highFreqFactor()).put("original_max_position_embeddings", s.originalContext());
        } else if (c.ropeScaling() != null) {
            // GGUF's per-pair divisors have no rope_scaling form in stock configs: keep them as an extension.
            var arr = o.putArray("prune4j_rope_freq_factors");
            for (float f : c.ropeScaling().factors(c.ropeTheta(), l0.headDim())) arr.add(f);
        }
        boolean stockBias = qwen ? l0.qkvBias() && !l0.oBias() && !l0.downBias() : l0.qkvBias() == l0.oBias() && !l0.downBias();
        if (!c.isUniform() || !stockBias) {
            ArrayNode arr = o.putArray(LAYER_SHAPES);
            for (LayerShape s : c.layers()) {
                arr.addObject().put("num_attention_heads", s.heads()).put("num_key_value_heads", s.kvHeads())
                        .put("head_dim", s.headDim()).put("intermediate_size", s.ffnDim())
                        .put("qkv_bias", s.qkvBias()).put("o_bias", s.oBias()).put("down_bias", s.downBias());
            }
        }
        return o;
    }
}
