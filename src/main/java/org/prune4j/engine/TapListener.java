package org.prune4j.engine;

/**
 * Receives activations at a {@link TapPoint}. {@code data} is live: writing into it replaces the activation for
 * the rest of the forward pass (masking, mean substitution, perturbation). Rows are tokens in batch order;
 * {@link BatchLayout} maps them to sequences and positions.
 */
@FunctionalInterface
public interface TapListener {
    void onActivation(int layer, TapPoint point, float[] data, int rows, int width, BatchLayout layout);
}
