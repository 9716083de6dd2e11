package org.prune4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.Matrix;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.tokenizer.TokenizerJson;
import org.prune4j.util.Prune4jException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face model folder: {@code config.json}, {@code model.safetensors} or shards listed in
 * {@code model.safetensors.index.json}, and {@code tokenizer.json}. Weights stay mapped in their stored dtype and
 * q/k rows stay in HF's rotate-half order (the engine runs that layout natively).
 */
public final class HfReader {
    private HfReader() {}

    public static Model read(Path dir) {
        ModelConfig cfg = HfConfig.read(dir.resolve("config.json"));
        Map<String, Safetensors> byTensor = new HashMap<>();
        List<Safetensors> opened = new ArrayList<>();
        AutoCloseable closer = () -> opened.forEach(Safetensors::close);
        try {
            Path index = dir.resolve("model.safetensors.index.json");
            if (Files.exists(index)) {
                JsonNode map = org.prune4j.util.JsonFiles.read(index).path("weight_map");
                if (!map.isObject()) throw Prune4jException.inFile(index, "has no weight_map");
                Map<String, Safetensors> shards = new LinkedHashMap<>();
                var it = map.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    Safetensors s = shards.computeIfAbsent(e.getValue().asText(), f -> {
                        Safetensors st = Safetensors.open(dir.resolve(f));
                        opened.add(st);
                        return st;
                    });
                    byTensor.put(e.getKey(), s);
                }
            } else {
                Path single = dir.resolve("model.safetensors");
                if (!Files.exists(single)) throw Prune4jException.inFile(dir, "has neither model.safetensors nor model.safetensors.index.json");
                Safetensors st = Safetensors.open(single);
                opened.add(st);
                for (String n : st.names()) byTensor.put(n, st);
            }
            HeaderChecks.requireLayerIndices(dir.resolve("config.json"), "num_hidden_layers", byTensor.keySet(), "model.layers.", cfg.layerCount());
            Tensors t = new Tensors(byTensor, dir);
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < cfg.layerCount(); l++) {
                LayerShape s = cfg.layer(l);
                LayerWeights.Builder b = LayerWeights.builder();
                for (TensorRole r : TensorRole.LAYER_ROLES) {
                    if (r.presentIn(s)) b.put(r, r.matrix ? t.mat(r.hfName(l)) : t.vec(r.hfName(l)));
                }
                layers.add(b.build());
            }
            Matrix emb = t.mat(TensorRole.TOKEN_EMBEDDING.hfName(0));
            Matrix out = cfg.tiedEmbeddings() || !byTensor.containsKey(TensorRole.OUTPUT.hfName(0)) ? emb : t.mat(TensorRole.OUTPUT.hfName(0));
            if (!cfg.tiedEmbeddings() && out == emb) {
                throw Prune4jException.inFile(dir, "config says tie_word_embeddings=false but lm_head.weight is missing");
            }
            Path tj = dir.resolve("tokenizer.json");
            Tokenizer tok = Files.exists(tj) ? TokenizerJson.read(tj) : null;
            return new Model(cfg, new ModelWeights(emb, layers, t.vec(TensorRole.OUTPUT_NORM.hfName(0)), out), tok, closer, dir, Model.FileOrigin.of(dir));
        } catch (RuntimeException e) {
            opened.forEach(Safetensors::close);
            throw e;
        }
    }

    private record Tensors(Map<String, Safetensors> byTensor, Path dir) {
        Matrix mat(String name) {
            Safetensors s = byTensor.get(name);
            if (s == null) throw Prune4jException.inFile(dir, "missing tensor " + name);
            return s.matrix(name);
        }

        float[] vec(String name) {
            return mat(name).toFloats();
        }
    }
}
