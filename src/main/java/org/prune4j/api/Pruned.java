package org.prune4j.api;

import org.prune4j.io.ExportFormat;
import org.prune4j.model.Model;
import org.prune4j.plan.PruningPlan;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.report.RunReport;

import java.nio.file.Path;

/**
 * A pruning run's outcome: the pruned model (row and column views over the dense model's weights, so it is valid
 * while the dense model is open), its plan, the report, and {@link #write} to a format real runtimes load.
 */
public final class Pruned {
    private final Model dense;
    private final String modelName;
    private final PruneRequest request;
    private final Pruner.Result result;

    Pruned(Model dense, String modelName, PruneRequest request, Pruner.Result result) {
        this.dense = dense;
        this.modelName = modelName;
        this.request = request;
        this.result = result;
    }

    public Model model() { return result.pruned(); }
    public PruningPlan plan() { return result.plan(); }
    public PruneRequest request() { return request; }
    /** Everything the pipeline produced (timings, perplexities, the method's details). */
    public Pruner.Result result() { return result; }

    /** The run's report, with no output file. */
    public RunReport report() {
        return RunReport.of(request, result, dense.config(), modelName, null, null, null);
    }

    /** Writes the pruned model (GGUF file or HF folder, each tensor in its own dtype) and returns its report. */
    public RunReport write(ExportFormat format, Path out) {
        long t0 = System.nanoTime();
        format.write(result.pruned(), out, null, 0, false);
        return RunReport.of(request, result, dense.config(), modelName, out.toString(), format.cliName(), (System.nanoTime() - t0) / 1e9);
    }
}
