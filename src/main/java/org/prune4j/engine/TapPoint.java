package org.prune4j.engine;

/**
 * Where a listener can observe (and overwrite) activations inside one decoder layer. Each point's data is a
 * row-major [rows × width] block, one row per token of the batch.
 */
public enum TapPoint {
    /** Residual stream entering the layer [d]. */
    LAYER_INPUT,
    /** RMS-normed input of q/k/v projections [d]. */
    ATTN_INPUT,
    /** q/k/v projection outputs (bias added, before RoPE) [H·hd], [Hkv·hd], [Hkv·hd]. */
    Q, K, V,
    /** Per-head attention output, heads concatenated: the input of o_proj [H·hd]. */
    ATTN_HEADS,
    /** o_proj output (bias added) [d]. */
    ATTN_OUTPUT,
    /** Residual stream after the attention sub-block [d]. */
    RESIDUAL_MID,
    /** RMS-normed input of gate/up projections [d]. */
    MLP_INPUT,
    /** gate projection output before the activation [m]. */
    GATE,
    /** SiLU(gate) [m]. */
    GATE_ACT,
    /** up projection output [m]. */
    UP,
    /** SiLU(gate) ⊙ up: the input of down_proj [m]. */
    MLP_HIDDEN,
    /** down_proj output (bias added) [d]. */
    MLP_OUTPUT,
    /** Residual stream leaving the layer [d]. */
    LAYER_OUTPUT
}
