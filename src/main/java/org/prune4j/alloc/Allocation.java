package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Turns scores and a target ratio into a plan. Each strategy has one knob, monotone in how much it removes; the
 * knob is bisected until the plan removes at least the target fraction of the model's total parameters.
 *
 * <ul>
 *   <li>{@code uniform}: every layer loses the same fraction of heads and of channels.</li>
 *   <li>{@code global}: scores are standardised per layer and module; heads and channels are each ranked across all
 *       layers and lose the same fraction (FLAP's AL-UM).</li>
 *   <li>{@code flap}: FLAP's adaptive structure search (AL-AM): standardised head and channel scores share one
 *       threshold, so the data decide both how much each layer and each module type loses.</li>
 *   <li>{@code depth}: whole layers, least important first (block influence).</li>
 * </ul>
 */
public enum Allocation {
    UNIFORM, GLOBAL, FLAP, DEPTH;

    public static Allocation parse(String s) {
        return switch (s) {
            case "uniform" -> UNIFORM;
            case "global" -> GLOBAL;
            case "flap" -> FLAP;
            case "depth" -> DEPTH;
            default -> throw new Prune4jException("--allocation must be uniform, global, flap or depth; got '" + s + "'");
        };
    }

    public PruningPlan allocate(ModelConfig c, Scores s, double ratio, Constraints k, boolean biasCompensation) {
        if (!(ratio > 0 && ratio < 1)) throw new Prune4jException("--ratio must be in (0, 1), got " + ratio);
        double lo = 0, hi = 1;
        PruningPlan best = plan(c, s, hi, k, biasCompensation);
        double max = best.removedFraction(c);
        if (max < ratio) {
            throw new Prune4jException(String.format("--ratio %.3f cannot be reached: with these constraints (and embeddings, "
                    + "which are never pruned) at most %.3f of the parameters can be removed", ratio, max));
        }
        for (int it = 0; it < 50; it++) {
            double mid = (lo + hi) / 2;
            PruningPlan p = plan(c, s, mid, k, biasCompensation);
            if (p.removedFraction(c) >= ratio) {
                hi = mid;
                best = p;
            } else {
                lo = mid;
            }
        }
        return best;
    }

    /** The plan at knob value {@code x} ∈ [0, 1] (0 removes nothing, 1 removes as much as the constraints allow). */
    PruningPlan plan(ModelConfig c, Scores s, double x, Constraints k, boolean bias) {
        int n = c.layerCount();
        int[] keepHeads = new int[n], keepChannels = new int[n];
        boolean[] dropLayer = new boolean[n];
        switch (this) {
            case UNIFORM -> {
                for (int l = 0; l < n; l++) {
                    keepHeads[l] = (int) Math.round(c.layer(l).heads() * (1 - x));
                    keepChannels[l] = (int) Math.round(c.layer(l).ffnDim() * (1 - x));
                }
            }
            case GLOBAL -> {
                keepByRank(standardised(s.heads()), x, keepHeads, c, k);
                keepByRank(standardised(s.channels()), x, keepChannels, c, k);
            }
            case FLAP -> {
                double[][] zh = standardised(s.heads()), zc = standardised(s.channels());
                double tau = quantileThreshold(zh, zc, x);
                for (int l = 0; l < n; l++) {
                    final int layer = l;
                    keepHeads[l] = (int) Arrays.stream(zh[l]).filter(v -> v > tau).count();
                    keepChannels[l] = (int) Arrays.stream(zc[layer]).filter(v -> v > tau).count();
                }
            }
            case DEPTH -> {
                Integer[] order = IntStream.range(0, n).boxed().filter(l -> !k.protectedLayers().contains(l))
                        .sorted(Comparator.comparingDouble(l -> s.layers()[l])).toArray(Integer[]::new);
                int drop = Math.min(order.length, Math.min(n - 1, (int) Math.floor(x * n + 1e-9)));
                for (int i = 0; i < drop; i++) dropLayer[order[i]] = true;
                for (int l = 0; l < n; l++) {
                    keepHeads[l] = c.layer(l).heads();
                    keepChannels[l] = c.layer(l).ffnDim();
                }
            }
        }
        List<LayerPlan> layers = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            LayerShape shape = c.layer(l);
            if (dropLayer[l]) {
                layers.add(new LayerPlan(new int[0], new int[0], new int[0]));
            } else if (k.protectedLayers().contains(l)) {
                layers.add(LayerPlan.keepAll(shape.heads(), shape.kvHeads(), shape.ffnDim()));
            } else {
                layers.add(LayerRealizer.realize(shape, s.heads()[l], s.channels()[l], keepHeads[l], keepChannels[l], k));
            }
        }
        return new PruningPlan(layers, bias);
    }

    /** Per-layer z-scores (each layer's vector to mean 0, std 1), as FLAP standardises its metrics. */
    static double[][] standardised(double[][] v) {
        double[][] out = new double[v.length][];
        for (int l = 0; l < v.length; l++) {
            double[] x = v[l];
            double mu = Arrays.stream(x).average().orElse(0);
            double sd = Math.sqrt(Arrays.stream(x).map(a -> (a - mu) * (a - mu)).sum() / Math.max(1, x.length - 1));
            out[l] = Arrays.stream(x).map(a -> sd > 0 ? (a - mu) / sd : 0).toArray();
        }
        return out;
    }

    /** Keeps, in each layer, the units above the global x-quantile of all layers' standardised scores. */
    private static void keepByRank(double[][] z, double x, int[] keep, ModelConfig c, Constraints k) {
        double tau = quantileThreshold(z, new double[0][], x);
        for (int l = 0; l < z.length; l++) {
            final double t = tau;
            keep[l] = (int) Arrays.stream(z[l]).filter(v -> v > t).count();
        }
    }

    /** The score below which a fraction x of all units (of both arrays) fall; x = 1 removes everything. */
    private static double quantileThreshold(double[][] a, double[][] b, double x) {
        double[] all = java.util.stream.Stream.concat(Arrays.stream(a), Arrays.stream(b)).flatMapToDouble(Arrays::stream).sorted().toArray();
        if (all.length == 0 || x <= 0) return Double.NEGATIVE_INFINITY;
        if (x >= 1) return Double.POSITIVE_INFINITY;
        int idx = (int) Math.floor(x * all.length);
        return idx == 0 ? Double.NEGATIVE_INFINITY : all[idx - 1];
    }
}
