package org.prune4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.TensorStreams;
import org.prune4j.tensor.Weight;
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
        AtomicOutput.write(out, AtomicOutput.Kind.FOLDER, overwrite, tmp -> writeFolder(model, tmp, dtype, shardBytes));
    }

    private static void writeFolder(Model model, Path dir, DType dtype, long shardBytes) throws IOException {
        Files.createDirectories(dir);
        ModelConfig c = model.config();
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        put(tensors, TensorRole.TOKEN_EMBEDDING.hfName(0), model.weights().embedding(), dtype);
        boolean inter = c.ropeStyle() == RopeStyle.INTERLEAVED;
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape s = c.layer(l);
            LayerWeights w = model.weights().layers().get(l);
            for (TensorRole r : TensorRole.LAYER_ROLES) {
                if (!r.presentIn(s)) continue;
                int ropeHeads = inter ? r.ropeHeads(s) : 0;
                if (r.matrix) {
                    Weight m = w.weight(r);
                    put(tensors, r.hfName(l), ropeHeads > 0 ? RopePermute.toHalf(m, ropeHeads, s.headDim()) : m, dtype);
                } else {
                    float[] v = w.vector(r);
                    vec(tensors, r.hfName(l), ropeHeads > 0 ? RopePermute.toHalf(v, ropeHeads, s.headDim()) : v);
                }
            }
        }
        vec(tensors, TensorRole.OUTPUT_NORM.hfName(0), model.weights().finalNorm());
        if (!c.tiedEmbeddings()) put(tensors, TensorRole.OUTPUT.hfName(0), model.weights().output(), dtype);

        List<Map<String, Safetensors.Entry>> shards = new ArrayList<>();
        Map<String, Safetensors.Entry> cur = new LinkedHashMap<>();
        long size = 0;
        for (var e : tensors.entrySet()) {
            long b = e.getValue().bytes();
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
            Safetensors.write(dir.resolve("model.safetensors"), shards.get(0));
        } else {
            ObjectNode index = om.createObjectNode();
            index.putObject("metadata").put("total_size", tensors.values().stream().mapToLong(Safetensors.Entry::bytes).sum());
            ObjectNode map = index.putObject("weight_map");
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                Safetensors.write(dir.resolve(name), shards.get(i));
                for (String t : shards.get(i).keySet()) map.put(t, name);
            }
            om.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        }
        int bos = model.tokenizer() == null ? -1 : model.tokenizer().bos(), eos = model.tokenizer() == null ? -1 : model.tokenizer().eos();
        om.writeValue(dir.resolve("config.json").toFile(), HfConfig.write(c, bos, eos, torchDtype(tensors)));
        if (model.tokenizer() != null) TokenizerJsonWriter.write(model.tokenizer(), dir);
    }

    /** transformers' name of the dtype most projection bytes are stored in (what synth and prune write). */
    static String torchDtype(Map<String, Safetensors.Entry> tensors) {
        Map<DType, Long> bytes = new java.util.EnumMap<>(DType.class);
        for (Safetensors.Entry e : tensors.values()) if (e.shape().length == 2) bytes.merge(e.dtype(), e.bytes(), Long::sum);
        DType top = bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(DType.F32);
        return switch (top) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        };
    }

    private static void put(Map<String, Safetensors.Entry> t, String name, Weight m, DType dtype) {
        // safetensors has no Q8_0: such weights are written as F32 unless another dtype is asked for.
        DType target = dtype != null ? dtype : m.dtype() == DType.Q8_0 ? DType.F32 : m.dtype();
        t.put(name, new Safetensors.Entry(m, TensorStreams.storedDtype(m, target), new long[]{m.rows(), m.cols()}));
    }

    private static void vec(Map<String, Safetensors.Entry> t, String name, float[] v) {
        t.put(name, new Safetensors.Entry(Matrix.ofFloats(v, 1, v.length), DType.F32, new long[]{v.length}));
    }
}
