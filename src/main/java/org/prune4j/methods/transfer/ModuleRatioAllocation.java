package org.prune4j.methods.transfer;

import org.prune4j.alloc.Allocation;
import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.KnobAllocation;
import org.prune4j.alloc.LayerRealizer;

import org.prune4j.criteria.MethodOption;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.criteria.Scores;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * A ratio per module from its importance (methods.md §3.2, Algorithm 1 as reconstructed): over the prunable modules
 * (attention and MLP sub-blocks outside protected layers), Î = (I − min)/(max − min), load u = 1 − Î, ratio
 * p = clip(λ·u, 0, p_max), with λ the smallest scale whose plan removes at least the target fraction of the total
 * parameters (prune4j's rule; the knob x maps to λ = x·p_max/min(u &gt; 0), so x = 1 puts every loaded module at
 * p_max). Within a module the heads (GQA-valid, {@link LayerRealizer}) or channels with the best scores stay: a
 * module keeps round((1 − p)·n) of its n units. With {@code dropWhole}, a module at p_max goes whole (a layer that
 * loses both goes too); otherwise the constraints' minimum heads and channels hold.
 */
public final class ModuleRatioAllocation extends KnobAllocation {
    public static final MethodOption<Double> P_MAX = MethodOption.number("p-max", "0.9",
            "module-ratios: the largest ratio one module may get, in (0, 1]", p -> p > 0 && p <= 1, "in (0, 1]");
    public static final MethodOption<Boolean> DROP_MODULES = MethodOption.flag("drop-modules",
            "module-ratios: remove a module whole when its ratio reaches --p-max (a layer losing both sub-blocks goes; GGUF export refuses a layer with only one)");

    private final double pMax;
    private final boolean dropWhole;

    public ModuleRatioAllocation() {
        this(0.9, false);
    }

    /**
     * @param pMax      the largest ratio a module may get, in (0, 1]
     * @param dropWhole remove a module whole when its ratio reaches pMax (a layer losing both goes)
     */
    public ModuleRatioAllocation(double pMax, boolean dropWhole) {
        if (!(pMax > 0 && pMax <= 1)) throw new Prune4jException("--p-max must be in (0, 1], got " + pMax);
        this.pMax = pMax;
        this.dropWhole = dropWhole;
    }

    public double pMax() { return pMax; }
    public boolean dropWhole() { return dropWhole; }

    @Override public List<MethodOption<?>> options() { return List.of(P_MAX, DROP_MODULES); }

    @Override
    public Allocation configure(MethodOptions o) {
        o.requireOnly("allocation " + name(), MethodOptions.names(options()));
        return new ModuleRatioAllocation(P_MAX.value(o), DROP_MODULES.value(o));
    }
    @Override public String name() { return "module-ratios"; }

    @Override public String summary() {
        return "a ratio per attention/MLP module from its importance: p = clip(λ(1 − Î), 0, p_max), λ solved for the target (transfer entropy)";
    }

    @Override
    protected Counts counts(ModelConfig c, Scores s, double x, Constraints k) {
        return keepCounts(c, ratios(c, s, x, k));
    }

    /** Per layer, round((1 − p)·n) of its heads and of its channels. */
    private static Counts keepCounts(ModelConfig c, double[] p) {
        int n = c.layerCount();
        Counts out = Counts.of(n);
        for (int l = 0; l < n; l++) {
            LayerShape sh = c.layer(l);
            out.keepHeads()[l] = (int) Math.round((1 - p[2 * l]) * sh.heads());
            out.keepChannels()[l] = (int) Math.round((1 - p[2 * l + 1]) * sh.ffnDim());
        }
        return out;
    }

    /** The module ratios at knob x (length 2L; 0 for protected layers and absent modules). */
    public double[] ratios(ModelConfig c, Scores s, double x, Constraints k) {
        double[] importance = s.modules();
        if (importance == null) {
            throw new Prune4jException("the module-ratios allocation needs per-module importances, which only the transfer-entropy method gives");
        }
        int n = c.layerCount();
        if (importance.length != 2 * n) {
            throw new Prune4jException("module importances cover " + importance.length + " modules, the model has " + 2 * n);
        }
        double[] u = loads(c, importance, k);
        double minPositive = Double.POSITIVE_INFINITY;
        for (double v : u) if (v > 0) minPositive = Math.min(minPositive, v);
        double[] p = new double[2 * n];
        if (minPositive == Double.POSITIVE_INFINITY) return p;
        double lambda = x * pMax / minPositive;
        for (int a = 0; a < 2 * n; a++) p[a] = Math.min(pMax, Math.max(0, lambda * u[a]));
        return p;
    }

    /**
     * u = 1 − Î over the prunable modules, NaN-free; 0 for protected layers and absent modules. When all prunable
     * modules are equally important, every load is 1 (uniform ratios).
     */
    public static double[] loads(ModelConfig c, double[] importance, Constraints k) {
        int n = c.layerCount();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        boolean[] prunable = new boolean[2 * n];
        for (int a = 0; a < 2 * n; a++) {
            LayerShape sh = c.layer(a / 2);
            prunable[a] = !k.protectedLayers().contains(a / 2) && (a % 2 == 0 ? sh.hasAttention() : sh.hasMlp());
            if (!prunable[a]) continue;
            lo = Math.min(lo, importance[a]);
            hi = Math.max(hi, importance[a]);
        }
        double[] u = new double[2 * n];
        for (int a = 0; a < 2 * n; a++) {
            if (!prunable[a]) continue;
            u[a] = hi > lo ? 1 - (importance[a] - lo) / (hi - lo) : 1;
        }
        return u;
    }

    @Override
    protected PruningPlan plan(ModelConfig c, Scores s, double x, Constraints k, boolean bias) {
        // Without module dropping (or without importances, which counts() refuses in one line) the knob's plan is the usual one.
        if (s.modules() == null || !dropWhole) return super.plan(c, s, x, k, bias);
        double[] p = ratios(c, s, x, k);
        Counts counts = keepCounts(c, p);
        List<LayerPlan> layers = new ArrayList<>();
        for (int l = 0; l < c.layerCount(); l++) {
            LayerShape sh = c.layer(l);
            if (k.protectedLayers().contains(l)) {
                layers.add(LayerPlan.keepAll(sh.heads(), sh.kvHeads(), sh.ffnDim()));
                continue;
            }
            boolean dropAttn = !sh.hasAttention() || p[2 * l] >= pMax;
            boolean dropMlp = !sh.hasMlp() || p[2 * l + 1] >= pMax;
            LayerPlan kept = LayerRealizer.realize(sh, s.heads()[l], s.channels()[l], counts.keepHeads()[l], counts.keepChannels()[l], k);
            layers.add(new LayerPlan(dropAttn ? new int[0] : kept.keptHeads(), dropAttn ? new int[0] : kept.keptKvGroups(),
                    dropMlp ? new int[0] : kept.keptChannels()));
        }
        return new PruningPlan(layers, bias);
    }
}
