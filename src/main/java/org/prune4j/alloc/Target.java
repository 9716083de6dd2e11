package org.prune4j.alloc;

import org.prune4j.util.Prune4jException;

/**
 * How much to prune, and of what.
 *
 * @param ratio fraction to remove, in (0, 1)
 * @param basis what the fraction counts
 */
public record Target(double ratio, Basis basis) {
    /** What a ratio is a fraction of. */
    public enum Basis {
        /**
         * prune4j's rule: at least {@code ratio} of the model's total parameters (every weight and bias, norms,
         * embeddings and output included) is removed; structures go whole, so the first plan at or above it.
         */
        TOTAL_PARAMETERS,
        /**
         * FLAP's rule ({@code prune_flap}, AL-AM): {@code ratio} of the attention + MLP projection weights, with
         * units sorted by score and the cut placed where the kept units' cumulative weight (a head counts
         * 4·head_dim/3 channels under MHA) is nearest to (1 − ratio) of the total. Only the flap allocation has it.
         */
        FLAP_ATTN_MLP
    }

    public Target {
        if (!(ratio > 0 && ratio < 1)) throw new Prune4jException("the pruning ratio must be in (0, 1), got " + ratio);
    }

    public static Target total(double ratio) {
        return new Target(ratio, Basis.TOTAL_PARAMETERS);
    }
}
