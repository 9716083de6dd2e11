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

    /** The method-specific options it reads ({@link MethodOptions} keys, the CLI flag names without dashes). */
    default Set<String> options() {
        return Set.of();
    }

    /** This criterion with its options applied (itself when it has none); fails with one line on a bad value. */
    default Criterion configure(MethodOptions o) {
        o.requireOnly(name(), options());
        return this;
    }

    /**
     * The layers the published method prunes, [start, end), or null for every layer (e.g. LLM-Pruner's 4…29 of 32,
     * scaled to the model's depth). Layers outside stay whole; the allocation raises the others' ratio.
     */
    default int[] defaultLayerRange(org.prune4j.model.ModelConfig c) {
        return null;
    }

    /** Calibration windows the published method uses when the user gives no count (Wanda/FLAP: 64 of 128 tokens here). */
    default int defaultCalibrationSamples() {
        return 64;
    }

    /**
     * Method-specific evidence of the last {@link #score} for the run's report (a record Jackson can write, e.g.
     * transfer entropy's matrix and module importances), or null.
     */
    default Object details() {
        return null;
    }

    /** Whether the published method folds removed inputs' means into output biases. */
    default boolean defaultBiasCompensation() {
        return false;
    }
}
