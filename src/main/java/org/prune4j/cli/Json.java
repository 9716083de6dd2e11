package org.prune4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerShape s : c.layers()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("heads", s.heads());
            l.put("kvHeads", s.kvHeads());
            l.put("headDim", s.headDim());
            l.put("ffn", s.ffnDim());
            layers.add(l);
        }
        m.put("layerShapes", layers);
        return m;
    }
}
