package org.prune4j.methods.transfer;

import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;

import org.prune4j.methods.baselines.FlapCriterion;

import org.prune4j.methods.transfer.ModuleInteractions;

import org.prune4j.criteria.MethodOption;
import org.prune4j.criteria.Scored;
import java.util.List;
import java.util.Set;

/**
 * "Let LLM Tell What to Prune and How Much to Prune" (methods.md §3; the pruning code is not public, §3.2 is our
 * reconstruction and every reconstructed choice is an option): the modules' transfer entropy
 * ({@link ModuleInteractions}) gives each attention and MLP sub-block an importance, the {@code module-ratios}
 * allocation turns it into a ratio per module, and FLAP's fluctuation scores (its reference-code form,
 * {@link FlapCriterion}) choose the heads and channels inside each module; bias compensation on. Published
 * calibration: 128 samples.
 *
 * <p>Options: {@code te-dims} r (4), {@code te-reduce} pca | norm, {@code te-importance} downstream | downstream-mean |
 * final, {@code te-sketch} (64: exact PCA up to this hidden size), {@code te-invert} (false: the sanity ablation that
 * prunes the most informative modules hardest); the allocation's own {@code p-max} (0.9) and {@code drop-modules}
 * (false) are declared by {@link ModuleRatioAllocation}.
 */
public final class TransferEntropyCriterion implements Criterion {
    public static final MethodOption<Integer> DIMS = MethodOption.integer("te-dims", null,
            "transfer-entropy: dims r per module after PCA (default: 4; 1 with --te-reduce norm)", 1);
    public static final MethodOption<ModuleInteractions.Reduction> REDUCE = MethodOption.choice("te-reduce", ModuleInteractions.Reduction.PCA,
            "transfer-entropy: pca (top r principal directions of each module's output, fitted on the calibration tokens) or norm (per-token L2 norm, r = 1)",
            ModuleInteractions.Reduction.class);
    public static final MethodOption<ModuleInteractions.Importance> IMPORTANCE = MethodOption.choice("te-importance", ModuleInteractions.Importance.DOWNSTREAM,
            "transfer-entropy: downstream (Σ of TE to all later modules), downstream-mean (their mean) or final (TE to the final hidden state)",
            ModuleInteractions.Importance.class);
    public static final MethodOption<Integer> SKETCH = MethodOption.integer("te-sketch", null,
            "transfer-entropy: width of the randomized range sketch bounding the PCA; exact PCA when the hidden size is at most this (default: 64, at least r)", 1);
    public static final MethodOption<Boolean> INVERT = MethodOption.flag("te-invert",
            "transfer-entropy: invert the importance (prune the most informative modules hardest): a sanity ablation");

    private final MethodOptions options;
    private final boolean invert;

    public TransferEntropyCriterion() {
        this(MethodOptions.NONE);
    }

    private TransferEntropyCriterion(MethodOptions options) {
        this.options = options;
        settings(options, 0); // fails here, with one line, on a bad value
        this.invert = INVERT.value(options);
    }

    @Override public String name() { return "transfer-entropy"; }
    @Override public List<String> aliases() { return List.of("te"); }

    @Override public String summary() {
        return "per-module ratios from transfer entropy between attention/MLP outputs (Gaussian, PCA to r dims), FLAP scores inside each module, bias compensation";
    }

    /** The moments FLAP's scores need ride along on the method's first pass ({@link ScoringContext#passWithMoments}). */
    @Override public Set<Evidence> needs() { return Set.of(Evidence.MODULE_SERIES); }
    @Override public String defaultAllocation() { return "module-ratios"; }
    @Override public boolean defaultBiasCompensation() { return true; }
    @Override public int defaultCalibrationSamples() { return 128; }

    @Override public List<MethodOption<?>> options() { return List.of(DIMS, REDUCE, IMPORTANCE, SKETCH, INVERT); }

    @Override
    public Criterion configure(MethodOptions o) {
        o.requireOnly(name(), MethodOptions.names(options()));
        return new TransferEntropyCriterion(o);
    }

    /** The interaction settings from options; one-line errors on bad values. */
    public static ModuleInteractions.Settings settings(MethodOptions o, long seed) {
        ModuleInteractions.Reduction reduction = REDUCE.value(o);
        Integer d = DIMS.value(o), sk = SKETCH.value(o);
        int dims = d != null ? d : reduction == ModuleInteractions.Reduction.NORM ? 1 : 4;
        return new ModuleInteractions.Settings(dims, reduction, IMPORTANCE.value(o), sk != null ? sk : Math.max(64, dims), seed);
    }

    /** What the report carries: the analysis, and whether the allocation ranked modules by its inverse. */
    public record Details(ModuleInteractions.Analysis transferEntropy, boolean inverted) {
        /** The importance the allocation ranks modules by: the analysis's, negated under {@code --te-invert}. */
        public double[] allocationImportance() {
            double[] v = transferEntropy.importance().clone();
            if (inverted) for (int i = 0; i < v.length; i++) v[i] = -v[i];
            return v;
        }
    }

    @Override
    public Scores score(ScoringContext ctx) {
        return scored(ctx).scores();
    }

    @Override
    public Scored scored(ScoringContext ctx) {
        ModuleInteractions.Settings s = settings(options, ctx.seed());
        ModuleInteractions.Analysis analysis = ctx.cached("transfer-entropy:" + s,
                c -> ModuleInteractions.analyse(c.transformer(), c.windows(), c::passWithMoments, s));
        Details d = new Details(analysis, invert);
        Scores flap = new FlapCriterion().score(ctx);
        return new Scored(new Scores(name(), flap.heads(), flap.channels(), flap.layers(), flap.standardised(), d.allocationImportance()), d);
    }

    /** The TE matrix heat map, the per-module importances and ratios (PNG) and an index.html. */
    @Override
    public boolean writeFigures(Figures run, java.nio.file.Path folder) throws java.io.IOException {
        if (!(run.details() instanceof Details d)) return false;
        org.prune4j.alloc.Constraints k = new org.prune4j.alloc.Constraints(run.protectedLayers(), 1, 1, 1);
        double[] loads = ModuleRatioAllocation.loads(run.dense(), d.allocationImportance(), k);
        String pMax = run.options().getOrDefault(ModuleRatioAllocation.P_MAX.name(), ModuleRatioAllocation.P_MAX.defaultText());
        boolean drop = "true".equals(run.options().get(ModuleRatioAllocation.DROP_MODULES.name()));
        String title = String.format("%s, p_max %s%s%s", run.title(), pMax, drop ? ", modules dropped whole" : "", d.inverted() ? ", importance inverted" : "");
        InteractionFigures.write(d.transferEntropy(), run.plan().moduleRatios(run.dense()), loads, title, folder);
        return true;
    }
}
