package org.prune4j.model;

import java.util.List;

/**
 * Everything needed to run a LLaMA-family decoder. Global fields are the ones pruning never changes; all
 * per-layer widths live in {@link #layers}.
 *
 * @param architecture   informational name of the source family (llama, mistral, qwen2, deci ...)
 * @param ropeScaling    null when the model uses plain RoPE
 * @param tiedEmbeddings the output projection is the token embedding matrix
 */
public record ModelConfig(String architecture, int hidden, int vocab, float normEps, float ropeTheta,
                          RopeScaling ropeScaling, RopeStyle ropeStyle, boolean tiedEmbeddings,
                          int contextLength, List<LayerShape> layers) {

    public ModelConfig {
        layers = List.copyOf(layers);
        if (hidden <= 0 || vocab <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("hidden, vocab and context length must be positive, got "
                    + hidden + ", " + vocab + ", " + contextLength);
        }
        if (!(normEps > 0) || !(ropeTheta > 0)) {
            throw new IllegalArgumentException("norm eps and rope theta must be positive, got " + normEps + ", " + ropeTheta);
        }
    }

    public int layerCount() { return layers.size(); }
    public LayerShape layer(int i) { return layers.get(i); }

    /** True when every layer has layer 0's shape (what stock llama.cpp {@code llama} and HF configs can express). */
    public boolean isUniform() {
        return layers.stream().allMatch(l -> l.equals(layers.get(0)));
    }

    public int maxQDim() { return layers.stream().mapToInt(LayerShape::qDim).max().orElse(0); }
    public int maxKvDim() { return layers.stream().mapToInt(LayerShape::kvDim).max().orElse(0); }
    public int maxFfn() { return layers.stream().mapToInt(LayerShape::ffnDim).max().orElse(0); }

    /** Parameters of the decoder layers only (what pruning can remove). */
    public long layerParameters() {
        return layers.stream().mapToLong(l -> l.parameters(hidden)).sum();
    }

    /** All parameters: layers, final norm, embedding, and the output matrix when it is not tied. */
    public long totalParameters() {
        return layerParameters() + hidden + (long) vocab * hidden * (tiedEmbeddings ? 1 : 2);
    }

    public ModelConfig withLayers(List<LayerShape> newLayers) {
        return new ModelConfig(architecture, hidden, vocab, normEps, ropeTheta, ropeScaling, ropeStyle,
                tiedEmbeddings, contextLength, newLayers);
    }

    public ModelConfig withRopeStyle(RopeStyle style) {
        return new ModelConfig(architecture, hidden, vocab, normEps, ropeTheta, ropeScaling, style,
                tiedEmbeddings, contextLength, layers);
    }
}
