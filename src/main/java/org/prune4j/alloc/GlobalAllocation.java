package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.ModelConfig;

/**
 * FLAP's AL-UM: scores standardised per layer and module; heads are ranked across all layers, channels across all
 * layers, and each module type loses the same fraction.
 */
public final class GlobalAllocation extends KnobAllocation {
    @Override public String name() { return "global"; }
    @Override public String summary() { return "standardised scores ranked across layers, heads and channels each lose the same fraction (FLAP's AL-UM)"; }

    @Override
    protected Counts counts(ModelConfig c, Scores s, double x, Constraints k) {
        double[][] zh = standardised(s.heads(), s.standardised()), zc = standardised(s.channels(), s.standardised());
        return countsAbove(zh, zc, quantileThreshold(zh, new double[0][], x), quantileThreshold(zc, new double[0][], x));
    }
}
