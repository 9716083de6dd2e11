package org.prune4j.model;

import org.prune4j.tensor.Matrix;

/**
 * One decoder layer's tensors, [out × in] layout. Attention tensors are null when the layer has no attention,
 * MLP tensors null when it has no MLP; bias arrays are null when the shape says there is none.
 */
public record LayerWeights(float[] attnNorm, Matrix wq, Matrix wk, Matrix wv, Matrix wo,
                           float[] bq, float[] bk, float[] bv, float[] bo,
                           float[] ffnNorm, Matrix wGate, Matrix wUp, Matrix wDown, float[] bDown) {
}
