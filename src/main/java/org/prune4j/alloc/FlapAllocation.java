package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.PruningPlan;

import java.util.Arrays;
import java.util.Comparator;

/**
 * FLAP's adaptive structure search (AL-AM): standardised head and channel scores of all layers share one
 * threshold, so the data decide how much each layer and each module type loses. Two stopping rules
 * ({@link Target.Basis}): prune4j's (bisect the threshold until at least the ratio of total parameters goes) and
 * FLAP's own (units sorted by score, cut where the kept units' cumulative weight is nearest (1 − ratio) of all).
 */
public final class FlapAllocation extends KnobAllocation {
    @Override public String name() { return "flap"; }
    @Override public String summary() { return "one threshold over standardised head and channel scores (FLAP's AL-AM)"; }

    @Override
    protected Counts counts(ModelConfig c, Scores s, double x, Constraints k) {
        double[][] zh = standardised(s.heads(), s.standardised()), zc = standardised(s.channels(), s.standardised());
        double tau = quantileThreshold(zh, zc, x);
        return countsAbove(zh, zc, tau, tau);
    }

    @Override
    public PruningPlan allocate(ModelConfig c, Scores s, Target target, Constraints k, boolean bias) {
        if (target.basis() == Target.Basis.TOTAL_PARAMETERS) return super.allocate(c, s, target, k, bias);
        return realize(c, s, flapRule(c, s, target.ratio(), k), k, bias);
    }

    /**
     * FLAP's {@code prune_flap} stopping rule. A channel weighs 1 (its 3·d weights); a head weighs its q rows, o
     * columns and its share of the KV group's k/v rows in channel units: (2 + 2/group)·head_dim/3, which is FLAP's
     * 512/3 for head_dim 128 without GQA. Protected layers stay out of the pool.
     */
    static Counts flapRule(ModelConfig c, Scores s, double ratio, Constraints k) {
        double[][] zh = standardised(s.heads(), s.standardised()), zc = standardised(s.channels(), s.standardised());
        int units = 0;
        for (int l = 0; l < c.layerCount(); l++) if (!k.protectedLayers().contains(l)) units += zh[l].length + zc[l].length;
        double[] score = new double[units], weight = new double[units];
        int i = 0;
        for (int l = 0; l < c.layerCount(); l++) {
            if (k.protectedLayers().contains(l)) continue;
            LayerShape sh = c.layer(l);
            double headWeight = sh.hasAttention() ? (2.0 + 2.0 / sh.groupSize()) * sh.headDim() / 3.0 : 0;
            for (double v : zh[l]) { score[i] = v; weight[i++] = headWeight; }
            for (double v : zc[l]) { score[i] = v; weight[i++] = 1; }
        }
        Integer[] order = new Integer[units];
        for (int j = 0; j < units; j++) order[j] = j;
        // Descending by score; ties by position so the cut is deterministic.
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -score[j]).thenComparingInt(j -> j));
        double total = 0;
        for (double w : weight) total += w;
        double goal = total * (1 - ratio), cum = 0, bestGap = Double.POSITIVE_INFINITY;
        double threshold = Double.NEGATIVE_INFINITY;
        for (Integer j : order) {
            cum += weight[j];
            double gap = Math.abs(cum - goal);
            if (gap < bestGap) {
                bestGap = gap;
                threshold = score[j];
            }
        }
        return countsAbove(zh, zc, threshold, threshold);
    }
}
