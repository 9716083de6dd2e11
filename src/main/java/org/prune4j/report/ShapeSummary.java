package org.prune4j.report;

import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;

import java.util.List;

/** A model's shape at a glance: global sizes and per-layer arrays (short for any depth). */
public record ShapeSummary(String architecture, int hidden, int layers, int vocab, int contextLength, long parameters,
                           boolean uniform, List<Integer> heads, List<Integer> kvHeads, List<Integer> headDim, List<Integer> ffn) {
    public static ShapeSummary of(ModelConfig c) {
        return new ShapeSummary(c.architecture(), c.hidden(), c.layerCount(), c.vocab(), c.contextLength(), c.totalParameters(),
                c.isUniform(), c.layers().stream().map(LayerShape::heads).toList(), c.layers().stream().map(LayerShape::kvHeads).toList(),
                c.layers().stream().map(LayerShape::headDim).toList(), c.layers().stream().map(LayerShape::ffnDim).toList());
    }
}
