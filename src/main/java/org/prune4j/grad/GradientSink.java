package org.prune4j.grad;

import org.prune4j.model.TensorRole;

/**
 * Receives each weight's gradient once it is complete, so callers reduce it to what they need (per-structure sums
 * of W·g, Fisher terms) and drop it, instead of holding gradients of the whole model. Matrices arrive as dense
 * row-major [rows × cols] f32 in the stored layout ([out × in]); vectors (norms, biases) as their length.
 */
public interface GradientSink {
    /**
     * @param layer the decoder layer, or -1 for the model-level tensors (embedding, final norm, output)
     * @param grad  the gradient of the mean next-token loss; the array is the sink's to keep or drop
     */
    void accept(int layer, TensorRole role, float[] grad);

    /** Whether the (vocabulary-sized) embedding and output gradients are wanted; they cost a vocab × d buffer. */
    default boolean wantsModelTensors() {
        return false;
    }
}
