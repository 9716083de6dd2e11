package org.prune4j.methods.baselines;

import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;
import org.prune4j.criteria.WeightNorms;

import org.prune4j.calib.ActivationStats;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.ModelConfig;

import java.util.Set;

/**
 * FLAP's fluctuation metric (WIFV) in the form of its reference code ({@code prune_flap} in FLAP's
 * lib/prune.py): for every o_proj / down_proj input column j, Var(X_j) · ‖W[:, j]‖²; the attention metric is
 * squared ({@code ** 2} in the code), both are standardised per layer (mean 0, unbiased std 1 — over all o_proj
 * input columns of the layer for attention, over all channels for the MLP), and a head's score is the mean of its
 * columns' standardised metric. The scores are then on one scale across layers and module types, which is what
 * FLAP's adaptive allocation compares.
 *
 * <p>Var(X_j) is the unbiased variance over all calibration tokens (mergeable sums). FLAP's code keeps a running
 * estimate per sample instead ({@code BiasGPT.add_batch}: its "old" mean aliases the updated one, and the first sample
 * only seeds the mean); both estimate the same per-column fluctuation, and after the per-layer standardisation only
 * the relative values matter. The running form is not reproduced because it cannot be merged across machines.
 *
 * <p>The variant {@code flap-headsum} sums the raw column metric per head (not squared) and leaves the per-layer
 * standardisation over heads to the allocation: prune4j's reading before it was checked against the reference
 * code, kept for comparison.
 */
public class FlapCriterion implements Criterion {
    /** How a head's score is formed from its o_proj input columns. */
    public enum HeadScore {
        /** FLAP's lib/prune.py: metric², standardised over the layer's columns, mean per head. */
        REFERENCE,
        /** Sum of the raw metric per head; standardised over heads by the allocation. */
        SUMMED
    }

    private final HeadScore headScore;

    public FlapCriterion() {
        this(HeadScore.REFERENCE);
    }

    public FlapCriterion(HeadScore headScore) {
        this.headScore = headScore;
    }

    /** {@code flap-headsum}, as the catalogue names it (a service entry needs a class with a no-argument constructor). */
    public static final class HeadSum extends FlapCriterion {
        public HeadSum() {
            super(HeadScore.SUMMED);
        }
    }

    @Override public String name() { return headScore == HeadScore.REFERENCE ? "flap" : "flap-headsum"; }

    @Override
    public String summary() {
        return headScore == HeadScore.REFERENCE
                ? "fluctuation Var(X_j)·‖W[:,j]‖² as FLAP's code (attention squared, standardised per layer, head = mean of its columns), bias compensation"
                : "fluctuation summed per head, standardised over heads (prune4j's earlier reading of FLAP), bias compensation";
    }

    @Override public Set<Evidence> needs() { return Set.of(Evidence.ACTIVATION_MOMENTS); }
    @Override public String defaultAllocation() { return "flap"; }
    @Override public boolean defaultBiasCompensation() { return true; }

    @Override
    public Scores score(ScoringContext ctx) {
        ModelConfig c = ctx.model().config();
        ActivationStats st = ctx.moments();
        Scores s = Scores.empty(name(), c);
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape sh = c.layer(l);
            LayerWeights w = ctx.model().weights().layers().get(l);
            if (sh.hasAttention()) {
                double[] col = WeightNorms.reduce(w.wo(), WeightNorms.Kind.COLUMN_SQUARES), var = st.variance(st.oSum[l], st.oSumSq[l]);
                double[] metric = new double[col.length];
                for (int j = 0; j < col.length; j++) {
                    metric[j] = var[j] * col[j];
                    if (headScore == HeadScore.REFERENCE) metric[j] *= metric[j];
                }
                if (headScore == HeadScore.REFERENCE) metric = standardise(metric);
                for (int h = 0; h < sh.heads(); h++) {
                    double sum = WeightNorms.headSum(metric, h, sh.headDim());
                    s.heads()[l][h] = headScore == HeadScore.REFERENCE ? sum / sh.headDim() : sum;
                }
            }
            if (sh.hasMlp()) {
                double[] col = WeightNorms.reduce(w.wDown(), WeightNorms.Kind.COLUMN_SQUARES), var = st.variance(st.downSum[l], st.downSumSq[l]);
                double[] metric = new double[sh.ffnDim()];
                for (int j = 0; j < metric.length; j++) metric[j] = var[j] * col[j];
                s.channels()[l] = headScore == HeadScore.REFERENCE ? standardise(metric) : metric;
            }
        }
        return new Scores(name(), s.heads(), s.channels(), s.layers(), headScore == HeadScore.REFERENCE);
    }

    /** FLAP's per-layer standardisation ({@link Scores#standardise}). */
    public static double[] standardise(double[] v) {
        return Scores.standardise(v);
    }
}
