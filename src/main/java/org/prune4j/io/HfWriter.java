package org.prune4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.tokenizer.TokenizerJsonWriter;
import org.prune4j.util.AtomicOutput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face folder: config.json (see {@link HfConfig}), safetensors (one file, or shards of at most
 * {@code shardBytes} with an index), tokenizer.json and tokenizer_config.json. q/k rows are written in HF's
 * rotate-half order. Q8_0 has no safetensors dtype, so such tensors are widened to F32.
 */
public final class HfWriter {
    private HfWriter() {}

    public static void write(Model model, Path out, DType dtype, long shardBytes, boolean overwrite) {
        AtomicOutput.write(out, overwrite, tmp -> writeFolder(model, tmp, dtype, shardBytes));
    }

    private static void writeFolder(Model model, Path dir, DType dtype, long shardBytes) throws IOException {
        Files.createDirectories(dir);
        ModelConfig c = model.config();
        Map<String, Matrix> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        put(tensors, shapes, "model.embed_tokens.weight", model.weights().embedding(), dtype);
        boolean inter = c.ropeStyle() == RopeStyle.INTERLEAVED;
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape s = c.layer(l);
            LayerWeights w = model.weights().layers().get(l);
            String p = "model.layers." + l + ".";
            if (s.hasAttention()) {
                vec(tensors, shapes, p + "input_layernorm.weight", w.attnNorm());
                put(tensors, shapes, p + "self_attn.q_proj.weight", inter ? RopePermute.toHalf(w.wq(), s.heads(), s.headDim()) : w.wq(), dtype);
                put(tensors, shapes, p + "self_attn.k_proj.weight", inter ? RopePermute.toHalf(w.wk(), s.kvHeads(), s.headDim()) : w.wk(), dtype);
                put(tensors, shapes, p + "self_attn.v_proj.weight", w.wv(), dtype);
                put(tensors, shapes, p + "self_attn.o_proj.weight", w.wo(), dtype);
                if (s.qkvBias()) {
                    vec(tensors, shapes, p + "self_attn.q_proj.bias", inter ? RopePermute.toHalf(w.bq(), s.heads(), s.headDim()) : w.bq());
                    vec(tensors, shapes, p + "self_attn.k_proj.bias", inter ? RopePermute.toHalf(w.bk(), s.kvHeads(), s.headDim()) : w.bk());
                    vec(tensors, shapes, p + "self_attn.v_proj.bias", w.bv());
                }
                if (s.oBias()) vec(tensors, shapes, p + "self_attn.o_proj.bias", w.bo());
            }
            if (s.hasMlp()) {
                vec(tensors, shapes, p + "post_attention_layernorm.weight", w.ffnNorm());
                put(tensors, shapes, p + "mlp.gate_proj.weight", w.wGate(), dtype);
                put(tensors, shapes, p + "mlp.up_proj.weight", w.wUp(), dtype);
                put(tensors, shapes, p + "mlp.down_proj.weight", w.wDown(), dtype);
                if (s.downBias()) vec(tensors, shapes, p + "mlp.down_proj.bias", w.bDown());
            }
        }
        vec(tensors, shapes, "model.norm.weight", model.weights().finalNorm());
        if (!c.tiedEmbeddings()) put(tensors, shapes, "lm_head.weight", model.weights().output(), dtype);

        List<Map<String, Matrix>> shards = new ArrayList<>();
        Map<String, Matrix> cur = new LinkedHashMap<>();
        long size = 0;
        for (var e : tensors.entrySet()) {
            long b = e.getValue().data().byteSize();
            if (!cur.isEmpty() && shardBytes > 0 && size + b > shardBytes) {
                shards.add(cur);
                cur = new LinkedHashMap<>();
                size = 0;
            }
            cur.put(e.getKey(), e.getValue());
            size += b;
        }
        shards.add(cur);
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (shards.size() == 1) {
            Safetensors.write(dir.resolve("model.safetensors"), shards.get(0), shapes);
        } else {
            ObjectNode index = om.createObjectNode();
            index.putObject("metadata").put("total_size", tensors.values().stream().mapToLong(m -> m.data().byteSize()).sum());
            ObjectNode map = index.putObject("weight_map");
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                Safetensors.write(dir.resolve(name), shards.get(i), shapes);
                for (String t : shards.get(i).keySet()) map.put(t, name);
            }
            om.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        }
        int bos = model.tokenizer() == null ? -1 : model.tokenizer().bos(), eos = model.tokenizer() == null ? -1 : model.tokenizer().eos();
        om.writeValue(dir.resolve("config.json").toFile(), HfConfig.write(c, bos, eos));
        if (model.tokenizer() != null) TokenizerJsonWriter.write(model.tokenizer(), dir);
    }

    private static void put(Map<String, Matrix> t, Map<String, long[]> shapes, String name, Matrix m, DType dtype) {
        DType target = dtype != null ? dtype : m.dtype() == DType.Q8_0 ? DType.F32 : m.dtype();
        t.put(name, GgufModelWriter.cast(m, target));
        shapes.put(name, new long[]{m.rows(), m.cols()});
    }

    private static void vec(Map<String, Matrix> t, Map<String, long[]> shapes, String name, float[] v) {
        t.put(name, Matrix.ofFloats(v, 1, v.length));
        shapes.put(name, new long[]{v.length});
    }
}
