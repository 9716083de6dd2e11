package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * An allocation with one knob x ∈ [0, 1], monotone in how much it removes (0 nothing, 1 all the constraints
 * allow). The knob is bisected until the plan removes at least the target fraction of total parameters. Public, with its
 * helpers, so that a method outside this package (a plug-in's own allocation) can do what the built-in ones do.
 */
public abstract class KnobAllocation implements Allocation {
    /** Keep counts per layer at knob value x; {@code dropLayer} marks whole layers to remove. */
    public record Counts(int[] keepHeads, int[] keepChannels, boolean[] dropLayer) {
        public static Counts of(int n) {
            return new Counts(new int[n], new int[n], new boolean[n]);
        }
    }

    protected abstract Counts counts(ModelConfig c, Scores s, double x, Constraints k);

    @Override
    public PruningPlan allocate(ModelConfig c, Scores s, Target target, Constraints k, boolean bias) {
        if (target.basis() != Target.Basis.TOTAL_PARAMETERS) {
            throw new Prune4jException("the " + name() + " allocation counts the ratio in total parameters only; FLAP's attention+MLP rule belongs to the flap allocation");
        }
        double ratio = target.ratio();
        double lo = 0, hi = 1;
        PruningPlan best = plan(c, s, hi, k, bias);
        double max = best.removedFraction(c);
        if (max < ratio) {
            throw new UnreachableRatioException(String.format("a ratio of %.3f cannot be reached: with these constraints (and embeddings, "
                    + "which are never pruned) at most %.3f of the parameters can be removed", ratio, max));
        }
        for (int it = 0; it < 50; it++) {
            double mid = (lo + hi) / 2;
            PruningPlan p = plan(c, s, mid, k, bias);
            if (p.removedFraction(c) >= ratio) {
                hi = mid;
                best = p;
            } else {
                lo = mid;
            }
        }
        return best;
    }

    /** The plan at knob value x. */
    protected PruningPlan plan(ModelConfig c, Scores s, double x, Constraints k, boolean bias) {
        return realize(c, s, counts(c, s, x, k), k, bias);
    }

    /** Turns per-layer keep counts into kept structures (GQA-valid, constraints applied). */
    public static PruningPlan realize(ModelConfig c, Scores s, Counts counts, Constraints k, boolean bias) {
        List<LayerPlan> layers = new ArrayList<>();
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape shape = c.layer(l);
            if (counts.dropLayer()[l]) {
                layers.add(new LayerPlan(new int[0], new int[0], new int[0]));
            } else if (k.protectedLayers().contains(l)) {
                layers.add(LayerPlan.keepAll(shape.heads(), shape.kvHeads(), shape.ffnDim()));
            } else {
                layers.add(LayerRealizer.realize(shape, s.heads()[l], s.channels()[l], counts.keepHeads()[l], counts.keepChannels()[l], k));
            }
        }
        return new PruningPlan(layers, bias);
    }

    /** Per-layer z-scores (each layer's vector to mean 0, unbiased std 1), unless the criterion already did it. */
    public static double[][] standardised(double[][] v, boolean already) {
        if (already) return v;
        double[][] out = new double[v.length][];
        for (int l = 0; l < v.length; l++) out[l] = Scores.standardise(v[l]);
        return out;
    }

    /** The score at or below which a fraction x of all units (of both arrays) fall; x = 1 removes everything. */
    public static double quantileThreshold(double[][] a, double[][] b, double x) {
        int n = 0;
        for (double[] r : a) n += r.length;
        for (double[] r : b) n += r.length;
        double[] all = new double[n];
        int i = 0;
        for (double[] r : a) for (double v : r) all[i++] = v;
        for (double[] r : b) for (double v : r) all[i++] = v;
        java.util.Arrays.sort(all);
        if (all.length == 0 || x <= 0) return Double.NEGATIVE_INFINITY;
        if (x >= 1) return Double.POSITIVE_INFINITY;
        int idx = (int) Math.floor(x * all.length);
        return idx == 0 ? Double.NEGATIVE_INFINITY : all[idx - 1];
    }

    /** Per layer, the heads above th and the channels above tc. */
    public static Counts countsAbove(double[][] zh, double[][] zc, double th, double tc) {
        Counts out = Counts.of(zh.length);
        for (int l = 0; l < zh.length; l++) {
            out.keepHeads()[l] = countAbove(zh[l], th);
            out.keepChannels()[l] = countAbove(zc[l], tc);
        }
        return out;
    }

    public static int countAbove(double[] v, double t) {
        int n = 0;
        for (double x : v) if (x > t) n++;
        return n;
    }
}
