package org.prune4j.methods.baselines;

import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;

import java.util.Set;

/** ShortGPT's block influence: 1 − mean cos(layer input, layer output); removes whole layers. */
public final class BlockInfluenceCriterion implements Criterion {
    @Override public String name() { return "block-influence"; }
    @Override public String summary() { return "1 − mean cos(layer input, layer output) (ShortGPT); removes whole layers"; }
    @Override public Set<Evidence> needs() { return Set.of(Evidence.LAYER_SIMILARITY); }
    @Override public String defaultAllocation() { return "depth"; }

    @Override
    public Scores score(ScoringContext ctx) {
        Scores s = Scores.empty(name(), ctx.model().config());
        double[] cos = ctx.similarity().meanCosine();
        for (int l = 0; l < cos.length; l++) s.layers()[l] = 1 - cos[l];
        return s;
    }
}
