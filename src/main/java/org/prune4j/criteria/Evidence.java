package org.prune4j.criteria;

/**
 * What a criterion needs besides the weights. The scoring context computes each kind on demand, once, and
 * caches it; kinds that share a calibration pass (moments, layer similarity) are gathered together.
 */
public enum Evidence {
    /** Per-channel sums and squared sums of o_proj and down_proj inputs ({@link org.prune4j.calib.ActivationStats}). */
    ACTIVATION_MOMENTS,
    /** Per-layer cosine between a layer's input and output hidden states. */
    LAYER_SIMILARITY,
    /** Mean next-token loss of the calibration windows under a weight view (zeroth-order probes). */
    LOSS_PROBES,
    /** Randomised range sketches of activations (functional networks); supplied by the method that needs it. */
    ACTIVATION_SKETCH,
    /** Exact loss gradients (backprop, {@link ScoringContext#gradients}), streamed to the criterion's sink. */
    GRADIENTS,
    /** Per-module output series over tokens (transfer entropy); supplied by the method that needs it. */
    MODULE_SERIES;

    /** Whether this evidence needs calibration text. */
    public boolean needsCalibration() {
        return true;
    }
}
