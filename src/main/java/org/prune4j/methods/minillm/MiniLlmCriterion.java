package org.prune4j.methods.minillm;

import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.GroupSalience;
import org.prune4j.criteria.MethodOption;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;

import org.prune4j.methods.taylor.TaylorCriterion;

import org.prune4j.calib.LinearInputStats;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.CounterNoise;
import org.prune4j.util.Prune4jException;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * MINI-LLM (Cheng, Zhang, Shi 2024; methods.md §2): the feature-map-sensitivity score e_ij = |W_ij · ĝ_ij · x̄_j|
 * summed over each coupled structure, with ĝ a zeroth-order estimate from forward passes only
 * ({@link ZerothOrder}), so memory stays at inference level. The paper's text was not retrievable; these choices
 * are the reconstruction of methods.md §2.2 and are options: the estimator is the MeZO form ĝ = (1/q) Σ c_r z_r
 * (Gaussian or Rademacher z), x̄_j the ℓ2 norm of input j over calibration tokens (or its signed mean), probes
 * perturb all scored layers at once (Algorithm 1 as transcribed) or one layer / one module at a time, and the
 * ratio is uniform per layer over LLM-Pruner's layer range.
 */
public final class MiniLlmCriterion implements Criterion {
    /** The input statistic x̄_j. */
    public enum InputStat { L2, MEAN }

    public record Settings(double eps, int samples, CounterNoise.Distribution distribution, ZerothOrder.Scope scope, InputStat inputStat) {
        public Settings {
            if (!(eps > 0) || !Double.isFinite(eps)) throw new Prune4jException("--zo-eps must be a positive finite number, got " + eps);
            if (samples < 1) throw new Prune4jException("--zo-samples must be at least 1, got " + samples);
        }

        public static Settings defaults() {
            return new Settings(1e-3, 8, CounterNoise.Distribution.GAUSSIAN, ZerothOrder.Scope.LAYER, InputStat.L2);
        }
    }

    private final Settings settings;
    private final MethodOptions options;

    public MiniLlmCriterion() {
        this(Settings.defaults(), MethodOptions.NONE);
    }

    public MiniLlmCriterion(Settings settings, MethodOptions options) {
        this.settings = settings;
        this.options = options;
    }

    public Settings settings() { return settings; }

    @Override public String name() { return "mini-llm"; }

    @Override public String summary() {
        return "MINI-LLM: Σ|W·ĝ·x̄| with ĝ estimated from forward passes only (--zo-eps, --zo-samples, --zo-dist, --zo-scope, --x-stat)";
    }

    @Override public Set<Evidence> needs() { return Set.of(Evidence.LOSS_PROBES); }
    public static final MethodOption<Double> EPS = MethodOption.number("zo-eps", "1e-3",
            "mini-llm: perturbation size ε of the two-point loss difference", e -> e > 0 && Double.isFinite(e), "a positive finite number");
    public static final MethodOption<Integer> SAMPLES = MethodOption.integer("zo-samples", "8", "mini-llm: perturbations q per scope unit", 1);
    public static final MethodOption<CounterNoise.Distribution> DIST = MethodOption.choice("zo-dist", CounterNoise.Distribution.GAUSSIAN,
            "mini-llm: gaussian or rademacher perturbations", CounterNoise.Distribution.class);
    public static final MethodOption<ZerothOrder.Scope> SCOPE = MethodOption.choice("zo-scope", ZerothOrder.Scope.LAYER,
            "mini-llm: global (all layers per probe, the paper's Algorithm 1), layer or module", ZerothOrder.Scope.class);
    public static final MethodOption<InputStat> X_STAT = MethodOption.choice("x-stat", InputStat.L2,
            "mini-llm: input statistic x̄: l2 (‖X_j‖₂) or mean (signed mean)", InputStat.class);

    @Override public List<MethodOption<?>> options() { return List.of(EPS, SAMPLES, DIST, SCOPE, X_STAT); }

    @Override
    public Criterion configure(MethodOptions o) {
        o.requireOnly(name(), MethodOptions.names(options()));
        return new MiniLlmCriterion(new Settings(EPS.value(o), SAMPLES.value(o), DIST.value(o), SCOPE.value(o), X_STAT.value(o)), o);
    }

    /** LLM-Pruner's 10 calibration samples (of 128 tokens with prune4j's default --calib-len). */
    @Override
    public int defaultCalibrationSamples() {
        return 10;
    }

    @Override
    public int[] defaultLayerRange(ModelConfig c) {
        return TaylorCriterion.llmPrunerRange(c.layerCount());
    }

    /** The scored layers: the method's layer range. */
    public int[] layers(ModelConfig c) {
        int[] r = options.layerRange(this, c);
        return IntStream.range(r[0], r[1]).toArray();
    }

    /** The probes of this run (seeded by the run's seed). */
    public List<ZerothOrder.Probe> probes(ScoringContext ctx) {
        return ZerothOrder.probes(settings.scope(), layers(ctx.model().config()), settings.samples(), ctx.seed());
    }

    /**
     * Every probe's scalar c_r, in probe order. Probes run grouped by the first layer they change, so each group
     * resumes from one saved residual stream (each scalar is independent of the order).
     */
    public double[] runProbes(ScoringContext ctx, List<ZerothOrder.Probe> probes) {
        int[] layers = layers(ctx.model().config());
        ZerothOrder.Executor remote = ZerothOrder.executor();
        double[] shipped = remote == null ? null : remote.run(ctx.model(), ctx.windows(), probes, layers, settings.eps(), settings.distribution());
        if (shipped != null) return shipped;
        return ZerothOrder.estimateAll(ctx.transformer(), ctx.model(), ctx.windows(), probes, IntStream.range(0, probes.size()).toArray(), layers,
                settings.eps(), settings.distribution(), ctx.runner().progress());
    }

    @Override
    public Scores score(ScoringContext ctx) {
        List<ZerothOrder.Probe> probes = probes(ctx);
        return scores(ctx, probes, runProbes(ctx, probes), probes.size());
    }

    /** The scores from the first {@code count} probes' scalars (a smaller q reuses a longer run's probes). */
    public Scores scores(ScoringContext ctx, List<ZerothOrder.Probe> probes, double[] c, int count) {
        ModelConfig cfg = ctx.model().config();
        int[] layers = layers(cfg);
        LinearInputStats x = inputs(ctx);
        GroupSalience.InputScale scale = settings.inputStat() == InputStat.L2 ? x::l2 : x::mean;
        List<LayerWeights> weights = ctx.model().weights().layers();
        GroupSalience g = new GroupSalience(name(), cfg, weights, GroupSalience.Reduction.SUM_OF_ABS, scale,
                IntStream.of(layers).boxed().collect(Collectors.toSet()));
        for (int l : layers) {
            for (TensorRole role : TensorRole.LINEAR) {
                var w = weights.get(l).weight(role);
                if (w != null) g.accept(l, role, w, ZerothOrder.rows(probes, c, count, l, role, settings.distribution()));
            }
        }
        return g.scores();
    }

    /** Input statistics of every linear layer over the calibration windows (one clean pass, cached). */
    public static LinearInputStats inputs(ScoringContext ctx) {
        return ctx.cached("linear-inputs", c -> (LinearInputStats) c.runner().run(c.transformer(), c.windows(),
                List.of(new LinearInputStats(c.model().config()))).get(0));
    }
}
