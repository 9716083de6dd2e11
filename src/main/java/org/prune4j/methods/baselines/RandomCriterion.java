package org.prune4j.methods.baselines;

import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;

import java.util.Random;
import java.util.Set;

/** Uniform random scores from the seed: the sanity floor every method must beat. */
public final class RandomCriterion implements Criterion {
    @Override public String name() { return "random"; }
    @Override public String summary() { return "uniform random scores (seeded): the sanity floor"; }
    @Override public Set<Evidence> needs() { return Set.of(); }

    @Override
    public Scores score(ScoringContext ctx) {
        Scores s = Scores.empty(name(), ctx.model().config());
        Random rnd = new Random(ctx.seed());
        for (int l = 0; l < s.heads().length; l++) {
            for (int h = 0; h < s.heads()[l].length; h++) s.heads()[l][h] = rnd.nextDouble();
            for (int j = 0; j < s.channels()[l].length; j++) s.channels()[l][j] = rnd.nextDouble();
            s.layers()[l] = rnd.nextDouble();
        }
        return s;
    }
}
