package org.prune4j.criteria;

import java.util.Set;

/**
 * An importance criterion: scores every prunable structure (query heads, MLP channels, whole layers) of a model.
 * Higher means more important. Implementations are found by name in {@link Criteria}; each declares the evidence
 * it needs so the pipeline calibrates only when it must, and computes that evidence once.
 */
public interface Criterion {
    /** The name users type ({@code --method}). */
    String name();

    /** One line for listings and help. */
    String summary();

    /** Evidence beyond the weights; an empty set means no calibration pass. */
    Set<Evidence> needs();

    Scores score(ScoringContext ctx);

    /** The allocation this method is published with. */
    default String defaultAllocation() {
        return "uniform";
    }

    /** Whether the published method folds removed inputs' means into output biases. */
    default boolean defaultBiasCompensation() {
        return false;
    }
}
