package org.prune4j.methods.baselines;

import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.LayerwiseCriterion;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;
import org.prune4j.criteria.WeightNorms;

import org.prune4j.calib.ActivationStats;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.ModelConfig;

import java.util.Set;

/**
 * Wanda-SP (the FLAP paper's structured Wanda baseline, {@code prune_wanda_sp} in FLAP's lib/prune.py): per
 * o_proj / down_proj input column j, Σ_i |W[i, j]| · ‖X_j‖₂; a head sums its columns. FLAP's code averages over i
 * instead of summing and scales ‖X_j‖ by the sample count; both are one constant per layer, so the ranking
 * within a layer (all a uniform allocation uses) is the same.
 */
public final class WandaSpCriterion implements LayerwiseCriterion {
    @Override public String name() { return "wanda-sp"; }
    @Override public String summary() { return "Σ|W|·‖X‖₂ over the structure's o_proj / down_proj input columns (FLAP's Wanda-SP)"; }
    @Override public Set<Evidence> needs() { return Set.of(Evidence.ACTIVATION_MOMENTS); }

    @Override
    public Scores score(ScoringContext ctx) {
        return score(ctx.model().config(), ctx.model().weights().layers(), ctx.moments(), name());
    }

    static Scores score(ModelConfig c, java.util.List<LayerWeights> weights, ActivationStats stats, String name) {
        Scores s = Scores.empty(name, c);
        for (int l = 0; l < c.layerCount(); l++) scoreLayer(c.layer(l), weights.get(l), stats, l, s.heads()[l], s.channels()[l]);
        return s;
    }

    @Override
    public void scoreLayer(int layer, LayerShape shape, LayerWeights weights, ActivationStats stats, double[] heads, double[] channels) {
        scoreLayer(shape, weights, stats, layer, heads, channels);
    }

    /** One layer's head and channel scores. */
    static void scoreLayer(LayerShape sh, LayerWeights w, ActivationStats stats, int l, double[] heads, double[] channels) {
        if (sh.hasAttention()) {
            double[] col = WeightNorms.reduce(w.wo(), WeightNorms.Kind.COLUMN_ABS), x = stats.oSumSq[l];
            double[] per = new double[col.length];
            for (int j = 0; j < col.length; j++) per[j] = col[j] * Math.sqrt(x[j]);
            for (int h = 0; h < sh.heads(); h++) heads[h] = WeightNorms.headSum(per, h, sh.headDim());
        }
        if (sh.hasMlp()) {
            double[] col = WeightNorms.reduce(w.wDown(), WeightNorms.Kind.COLUMN_ABS), x = stats.downSumSq[l];
            for (int j = 0; j < sh.ffnDim(); j++) channels[j] = col[j] * Math.sqrt(x[j]);
        }
    }
}
