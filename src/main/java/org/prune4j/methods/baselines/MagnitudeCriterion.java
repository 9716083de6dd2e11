package org.prune4j.methods.baselines;

import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;
import org.prune4j.criteria.WeightNorms;

import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.ModelConfig;

import java.util.Set;

/**
 * L2 norm of each coupled group's weights: a head's q rows and o columns, a channel's gate row, up row and down
 * column. Needs no data.
 */
public final class MagnitudeCriterion implements Criterion {
    @Override public String name() { return "magnitude"; }
    @Override public String summary() { return "L2 norm of the coupled weights (head: q rows + o columns; channel: gate, up rows + down column)"; }
    @Override public Set<Evidence> needs() { return Set.of(); }

    @Override
    public Scores score(ScoringContext ctx) {
        ModelConfig c = ctx.model().config();
        Scores s = Scores.empty(name(), c);
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape sh = c.layer(l);
            LayerWeights w = ctx.model().weights().layers().get(l);
            if (sh.hasAttention()) {
                double[] q = WeightNorms.reduce(w.wq(), WeightNorms.Kind.ROW_SQUARES), o = WeightNorms.reduce(w.wo(), WeightNorms.Kind.COLUMN_SQUARES);
                for (int h = 0; h < sh.heads(); h++) {
                    s.heads()[l][h] = Math.sqrt(WeightNorms.headSum(q, h, sh.headDim()) + WeightNorms.headSum(o, h, sh.headDim()));
                }
            }
            if (sh.hasMlp()) {
                double[] g = WeightNorms.reduce(w.wGate(), WeightNorms.Kind.ROW_SQUARES), u = WeightNorms.reduce(w.wUp(), WeightNorms.Kind.ROW_SQUARES);
                double[] d = WeightNorms.reduce(w.wDown(), WeightNorms.Kind.COLUMN_SQUARES);
                for (int j = 0; j < sh.ffnDim(); j++) s.channels()[l][j] = Math.sqrt(g[j] + u[j] + d[j]);
            }
        }
        return s;
    }
}
