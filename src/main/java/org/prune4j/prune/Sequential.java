package org.prune4j.prune;

import org.prune4j.alloc.Allocations;
import org.prune4j.alloc.LayerRealizer;
import org.prune4j.calib.ActivationStats;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.LayerwiseCriterion;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.LayerShape;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.surgery.Surgery;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * Sequential pruning, FLAP's {@code prune_wanda_sp}: layer l is scored from statistics of a model whose layers
 * &lt; l are already pruned, cut, and its pruned outputs feed layer l+1. The per-layer keep counts come first
 * from the uniform allocation on the shapes alone (they do not depend on scores), so the ratio is met exactly as
 * in a dense run; which heads and channels go is decided layer by layer.
 */
final class Sequential {
    record Outcome(PruningPlan plan, Model pruned) {}

    private Sequential() {}

    static Outcome run(Model model, ScoringContext ctx, Criterion criterion, PruneRequest.Method m, Pruner.Resolved resolved, Parallel par) {
        if (!(criterion instanceof LayerwiseCriterion lc)) {
            throw new Prune4jException("sequential calibration needs a method that scores one layer at a time (wanda-sp); "
                    + criterion.name() + " is not one");
        }
        if (!resolved.allocation().equals("uniform")) {
            throw new Prune4jException("sequential calibration decides each layer before the next is measured, so it needs the uniform allocation, not "
                    + resolved.allocation());
        }
        ModelConfig c = model.config();
        // Keep counts depend only on shapes for the uniform allocation: zero scores give them exactly.
        Scores zero = new Scores("counts", zeros(c, true), zeros(c, false), new double[c.layerCount()]);
        PruningPlan counts = Allocations.get("uniform").allocate(c, zero, m.target(), m.constraints(), resolved.biasCompensation());
        List<LayerPlan> layers = new ArrayList<>();
        Model pruned = ctx.runner().sequential(model, ctx.windows(), List.of(new ActivationStats(c)),
                (l, current, evidence) -> {
                    LayerShape s = c.layer(l);
                    ActivationStats st = (ActivationStats) evidence.get(0);
                    double[] h = new double[s.heads()], ch = new double[s.ffnDim()];
                    lc.scoreLayer(l, s, current.weights().layers().get(l), st, h, ch);
                    // The counts already keep protected layers whole, and a full budget realises to everything.
                    LayerPlan n = counts.layers().get(l);
                    LayerPlan p = LayerRealizer.realize(s, h, ch, n.keptHeads().length, n.keptChannels().length, m.constraints());
                    layers.add(p);
                    LayerShape after = PruningPlan.shapeAfter(s, p, resolved.biasCompensation());
                    return new CalibrationRunner.LayerCut(after, Surgery.cutLayer(c.hidden(), s, after, current.weights().layers().get(l), p,
                            resolved.biasCompensation(), st.mean(st.oSum[l]), st.mean(st.downSum[l])));
                }, par);
        return new Outcome(new PruningPlan(layers, resolved.biasCompensation()), pruned);
    }

    /**
     * Applies a plan decided from dense scores layer by layer, taking each layer's bias-compensation means from the
     * model whose earlier layers are already cut and compensated (the functional-networks authors' variant of
     * FLAP's bias: later layers see the pruned model while the means are gathered). Calibration windows have equal
     * lengths, so these per-token means are the authors' per-sequence means.
     */
    static Model applyWithSequentialMeans(Model model, ScoringContext ctx, PruningPlan plan, Parallel par) {
        ModelConfig c = model.config();
        return ctx.runner().sequential(model, ctx.windows(), List.of(new ActivationStats(c)), (l, current, evidence) -> {
            LayerShape s = c.layer(l);
            LayerPlan p = plan.layers().get(l);
            ActivationStats st = (ActivationStats) evidence.get(0);
            LayerShape after = PruningPlan.shapeAfter(s, p, true);
            return new CalibrationRunner.LayerCut(after, Surgery.cutLayer(c.hidden(), s, after, current.weights().layers().get(l), p,
                    true, st.mean(st.oSum[l]), st.mean(st.downSum[l])));
        }, par);
    }

    private static double[][] zeros(ModelConfig c, boolean heads) {
        double[][] z = new double[c.layerCount()][];
        for (int l = 0; l < z.length; l++) z[l] = new double[heads ? c.layer(l).heads() : c.layer(l).ffnDim()];
        return z;
    }
}
