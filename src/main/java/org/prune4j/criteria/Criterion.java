package org.prune4j.criteria;

import java.util.List;
import java.util.Set;

/**
 * An importance criterion: scores every prunable structure (query heads, MLP channels, whole layers) of a model.
 * Higher means more important. Implementations are found by name in {@link Criteria}; each declares the evidence
 * it needs so the pipeline calibrates only when it must, and computes that evidence once.
 *
 * <p>A method is a plug-in: its criterion (this), its options ({@link #options()}, typed declarations the CLI turns
 * into flags), its allocation if it brings one, its engine and its figures live in one package under
 * {@code org.prune4j.methods}, and one line in {@code META-INF/services/org.prune4j.criteria.Criterion} registers it
 * ({@link Criteria} reads that catalogue; no package below the methods imports one).
 */
public interface Criterion {
    /** The name users type ({@code --method}). */
    String name();

    /** One line for listings and help. */
    String summary();

    /** Short names users may type instead of {@link #name()} ({@code te}, {@code fn}). */
    default List<String> aliases() {
        return List.of();
    }

    /** Evidence beyond the weights; an empty set means no calibration pass. */
    Set<Evidence> needs();

    Scores score(ScoringContext ctx);

    /**
     * The scores with the method's own evidence for the report and figures (a record Jackson can write, e.g. transfer
     * entropy's matrix), returned rather than kept in the criterion, so one configured criterion can score twice.
     */
    default Scored scored(ScoringContext ctx) {
        return new Scored(score(ctx), null);
    }

    /** The allocation this method is published with. */
    default String defaultAllocation() {
        return "uniform";
    }

    /** The method-specific options it declares (each a CLI flag, with its default, help and check). */
    default List<MethodOption<?>> options() {
        return List.of();
    }

    /**
     * This criterion with its options applied (itself when it has none); fails with one line on a bad value or on an
     * option it does not declare. The pipeline gives each party of a run (method, allocation) its own options.
     */
    default Criterion configure(MethodOptions o) {
        o.requireOnly(name(), MethodOptions.names(options()));
        for (MethodOption<?> opt : options()) opt.value(o);
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

    /** Whether the published method folds removed inputs' means into output biases. */
    default boolean defaultBiasCompensation() {
        return false;
    }

    /**
     * Writes the method's figures of one run into {@code folder} ({@code --figures}); false when the method has none.
     */
    default boolean writeFigures(Figures run, java.nio.file.Path folder) throws java.io.IOException {
        return false;
    }

    /**
     * What a method's figures may show of a run.
     *
     * @param details         what {@link #scored} returned with the scores
     * @param options         the resolved options (given and the layer range)
     * @param protectedLayers the layers the run kept whole
     * @param title           a caption naming the model, method and ratio
     */
    record Figures(Object details, org.prune4j.model.ModelConfig dense, org.prune4j.plan.PruningPlan plan, java.util.Map<String, String> options,
                   java.util.Set<Integer> protectedLayers, String title) {}
}
