package org.prune4j.model;

import org.prune4j.tensor.Weight;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;

/** All tensors of a model. {@code output} is the same object as {@code embedding} when embeddings are tied. */
public record ModelWeights(Weight embedding, List<LayerWeights> layers, float[] finalNorm, Weight output) {

    public ModelWeights {
        layers = List.copyOf(layers);
    }

    /** A copy with one layer's tensors replaced (views for probes, adapters, a pruned layer). */
    public ModelWeights withLayer(int l, LayerWeights w) {
        List<LayerWeights> out = new ArrayList<>(layers);
        out.set(l, w);
        return new ModelWeights(embedding, out, finalNorm, output);
    }

    /**
     * Checks every tensor against the config, role by role from {@link TensorRole}, so that a wrong config fails
     * at load time with the tensor's name, not as an index error in the middle of a forward pass.
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
            for (TensorRole r : TensorRole.LAYER_ROLES) {
                if (!r.presentIn(s)) continue;
                String name = "layer " + i + " " + r.ggufName(i);
                int[] shape = r.shape(s, d);
                if (r.matrix) check(source, name, w.weight(r), shape[0], shape[1]);
                else vec(source, name, w.vector(r), shape[0]);
            }
        }
    }

    private static void check(Object source, String name, Weight m, int rows, int cols) {
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
