package org.prune4j.model;

import org.prune4j.tensor.Matrix;
import org.prune4j.util.Prune4jException;

import java.util.List;

/** All tensors of a model. {@code output} is the same object as {@code embedding} when embeddings are tied. */
public record ModelWeights(Matrix embedding, List<LayerWeights> layers, float[] finalNorm, Matrix output) {

    public ModelWeights {
        layers = List.copyOf(layers);
    }

    /**
     * Checks every tensor against the config so that a wrong config fails at load time with the tensor's name,
     * not as an index error in the middle of a forward pass.
     */
    public void validate(ModelConfig c, Object source) {
        int d = c.hidden();
        check(source, "token embedding", embedding, c.vocab(), d);
        check(source, "output", output, c.vocab(), d);
        vec(source, "output_norm", finalNorm, d);
        if (layers.size() != c.layerCount()) {
            throw Prune4jException.inFile(source, "has " + layers.size() + " layers but the config says " + c.layerCount());
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerShape s = c.layer(i);
            LayerWeights w = layers.get(i);
            String p = "layer " + i + " ";
            if (s.hasAttention()) {
                vec(source, p + "attn_norm", w.attnNorm(), d);
                check(source, p + "q", w.wq(), s.qDim(), d);
                check(source, p + "k", w.wk(), s.kvDim(), d);
                check(source, p + "v", w.wv(), s.kvDim(), d);
                check(source, p + "o", w.wo(), d, s.qDim());
                if (s.qkvBias()) {
                    vec(source, p + "q bias", w.bq(), s.qDim());
                    vec(source, p + "k bias", w.bk(), s.kvDim());
                    vec(source, p + "v bias", w.bv(), s.kvDim());
                }
                if (s.oBias()) vec(source, p + "o bias", w.bo(), d);
            }
            if (s.hasMlp()) {
                vec(source, p + "ffn_norm", w.ffnNorm(), d);
                check(source, p + "gate", w.wGate(), s.ffnDim(), d);
                check(source, p + "up", w.wUp(), s.ffnDim(), d);
                check(source, p + "down", w.wDown(), d, s.ffnDim());
                if (s.downBias()) vec(source, p + "down bias", w.bDown(), d);
            }
        }
    }

    private static void check(Object source, String name, Matrix m, int rows, int cols) {
        if (m == null) throw Prune4jException.inFile(source, "missing tensor " + name);
        if (m.rows() != rows || m.cols() != cols) {
            throw Prune4jException.inFile(source, "tensor " + name + " has shape [" + m.rows() + " x " + m.cols()
                    + "] but the config needs [" + rows + " x " + cols + "]");
        }
    }

    private static void vec(Object source, String name, float[] v, int n) {
        if (v == null) throw Prune4jException.inFile(source, "missing tensor " + name);
        if (v.length != n) {
            throw Prune4jException.inFile(source, "tensor " + name + " has " + v.length + " values but the config needs " + n);
        }
    }
}
