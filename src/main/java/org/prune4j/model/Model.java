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
    private final java.io.Serializable origin;

    /** The origin of a model read from a checkpoint file (absolute path), whose weights are exactly the file's. */
    public record FileOrigin(String path) implements java.io.Serializable {
        public static FileOrigin of(Object path) {
            return new FileOrigin(java.nio.file.Path.of(String.valueOf(path)).toAbsolutePath().normalize().toString());
        }
    }

    public Model(ModelConfig config, ModelWeights weights, Tokenizer tokenizer, AutoCloseable resources, Object source) {
        this(config, weights, tokenizer, resources, source, null);
    }

    /**
     * @param origin how to rebuild this model where its checkpoint file can be read: a {@link FileOrigin} for the
     *               file's own weights, a surgery recipe for a cut of them, null when it cannot be rebuilt (views,
     *               synthetic weights, partial cuts)
     */
    public Model(ModelConfig config, ModelWeights weights, Tokenizer tokenizer, AutoCloseable resources, Object source,
                 java.io.Serializable origin) {
        weights.validate(config, source);
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.resources = resources;
        this.origin = origin;
    }

    public ModelConfig config() { return config; }
    public ModelWeights weights() { return weights; }
    /** How this model can be rebuilt from its checkpoint file elsewhere (see the constructor), or null. */
    public java.io.Serializable origin() { return origin; }
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
        return new Model(config, weights, t, resources, "model", origin);
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
