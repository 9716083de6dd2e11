package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.ModelConfig;

/**
 * One global threshold τ over the MLP channel scores of the prunable layers, heads untouched: the functional-networks
 * rule (a channel is kept iff its score exceeds τ; per-layer widths emerge from the scores). The authors tuned τ by
 * hand; here τ is the score below which the fewest channels go that remove at least the target ratio.
 */
public final class ThresholdAllocation extends KnobAllocation {
    @Override public String name() { return "threshold"; }
    @Override public String summary() { return "one global threshold over raw MLP channel scores of the prunable layers, heads kept (functional networks)"; }

    @Override
    Counts counts(ModelConfig c, Scores s, double x, Constraints k) {
        int n = c.layerCount();
        double[][] prunable = new double[n][];
        for (int l = 0; l < n; l++) prunable[l] = k.protectedLayers().contains(l) ? new double[0] : s.channels()[l];
        double tc = quantileThreshold(prunable, new double[0][], x);
        Counts out = Counts.of(n);
        for (int l = 0; l < n; l++) {
            out.keepHeads()[l] = c.layer(l).heads();
            out.keepChannels()[l] = k.protectedLayers().contains(l) ? c.layer(l).ffnDim() : countAbove(s.channels()[l], tc);
        }
        return out;
    }
}
