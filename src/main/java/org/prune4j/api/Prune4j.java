package org.prune4j.api;

import org.prune4j.model.Model;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.util.ProgressListener;

/**
 * One call to prune a model: {@code Prune4j.prune(model, PruneSpec.method("flap").ratio(0.2).calibration(...))}.
 * The CLI's {@code prune} runs the same pipeline ({@link Pruner}); this is the Java user's way in.
 */
public final class Prune4j {
    private Prune4j() {}

    /** Calibrates, scores, allocates and cuts; the dense model stays open and unchanged. */
    public static Pruned prune(Model model, PruneSpec spec) {
        return prune(model, spec, "model");
    }

    /** As {@link #prune(Model, PruneSpec)}, with the model's name for the report. */
    public static Pruned prune(Model model, PruneSpec spec, String modelName) {
        PruneRequest request = spec.request();
        return new Pruned(model, modelName, request, Pruner.run(model, request, stage -> ProgressListener.NONE, true));
    }
}
