package org.prune4j.model;

import org.prune4j.tokenizer.Tokenizer;

/**
 * A loaded model: config, weights and (when the checkpoint carries one) its tokenizer. Closing it releases the
 * file mappings, after which its weights must not be touched.
 */
public final class Model implements AutoCloseable {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;
    private final AutoCloseable resources;

    public Model(ModelConfig config, ModelWeights weights, Tokenizer tokenizer, AutoCloseable resources, Object source) {
        weights.validate(config, source);
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.resources = resources;
    }

    public ModelConfig config() { return config; }
    public ModelWeights weights() { return weights; }
    /** May be null: llama2.c checkpoints keep the tokenizer in a separate file. */
    public Tokenizer tokenizer() { return tokenizer; }

    /**
     * The same model with other weights (views for probes, adapters, a pruned layer); the new model does not own
     * the file mappings, so closing it releases nothing.
     */
    public Model withWeights(ModelWeights w) {
        return new Model(config, w, tokenizer, null, "model");
    }

    public Model withTokenizer(Tokenizer t) {
        return new Model(config, weights, t, resources, "model");
    }

    @Override
    public void close() {
        try {
            if (resources != null) resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not release model resources", e);
        }
    }
}
