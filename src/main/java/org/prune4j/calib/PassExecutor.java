package org.prune4j.calib;

import org.prune4j.engine.Transformer;

import java.util.List;

/**
 * Where calibration passes run. The runner folds the returned pass states in pass order, so an executor that runs
 * the passes anywhere (other threads, other machines: prune4j-spark's executor) gives the same statistics, scores
 * and plan as one machine, bit for bit. An executor may decline a run (return null), e.g. when the model it can
 * reach is not the one being calibrated; the runner then runs it here.
 */
public interface PassExecutor {
    /**
     * Runs each pass (an index range [from, to) of {@code windows}) with fresh collectors of the given kinds, not
     * finished, and returns the pass states in pass order; or null to let the runner run them locally.
     *
     * @param tf the local engine over the model being calibrated (its config identifies the model)
     */
    List<List<Collector>> runPasses(Transformer tf, List<int[]> windows, List<int[]> passes, List<? extends Collector> kinds);
}
