package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.ModelConfig;

/**
 * One global threshold τ over the MLP channel scores of the prunable layers: the functional-networks rule (a channel
 * is kept iff its score exceeds τ; per-layer widths emerge from the scores). The authors tuned τ by hand; here τ is
 * the score below which the fewest structures go that remove at least the target ratio. Heads stay whole unless
 * the criterion put heads and channels on one scale ({@link Scores#standardised()}): then the one τ covers both.
 */
public final class ThresholdAllocation extends KnobAllocation {
    @Override public String name() { return "threshold"; }
    @Override public String summary() { return "one global threshold over raw MLP channel scores of the prunable layers, heads kept (functional networks)"; }

    @Override
    protected Counts counts(ModelConfig c, Scores s, double x, Constraints k) {
        int n = c.layerCount();
        double[][] prunable = new double[n][];
        for (int l = 0; l < n; l++) prunable[l] = k.protectedLayers().contains(l) ? new double[0] : s.channels()[l];
        double[][] heads = new double[n][];
        for (int l = 0; l < n; l++) heads[l] = k.protectedLayers().contains(l) || !s.standardised() ? new double[0] : s.heads()[l];
        double tc = quantileThreshold(prunable, heads, x);
        Counts out = Counts.of(n);
        for (int l = 0; l < n; l++) {
            out.keepHeads()[l] = heads[l].length == 0 ? c.layer(l).heads() : countAbove(s.heads()[l], tc);
            out.keepChannels()[l] = k.protectedLayers().contains(l) ? c.layer(l).ffnDim() : countAbove(s.channels()[l], tc);
        }
        return out;
    }
}
