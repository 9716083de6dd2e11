package org.prune4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON output helpers: one object per command, keys in insertion order. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static void print(Map<String, Object> obj) {
        try {
            System.out.println(MAPPER.writeValueAsString(obj));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> describe(ModelConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", c.architecture());
        m.put("hidden", c.hidden());
        m.put("layers", c.layerCount());
        m.put("vocab", c.vocab());
        m.put("contextLength", c.contextLength());
        m.put("parameters", c.totalParameters());
        m.put("uniform", c.isUniform());
        // Per-layer arrays stay short for any depth and show a pruned model's shape at a glance.
        m.put("heads", c.layers().stream().map(LayerShape::heads).toList());
        m.put("kvHeads", c.layers().stream().map(LayerShape::kvHeads).toList());
        m.put("headDim", c.layers().stream().map(LayerShape::headDim).toList());
        m.put("ffn", c.layers().stream().map(LayerShape::ffnDim).toList());
        return m;
    }
}
