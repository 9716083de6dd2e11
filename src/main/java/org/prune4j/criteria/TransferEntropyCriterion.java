package org.prune4j.criteria;

import org.prune4j.interaction.ModuleInteractions;
import org.prune4j.util.Prune4jException;

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
 * final, {@code te-sketch} (64: exact PCA up to this hidden size), {@code p-max} (0.9), {@code drop-modules}
 * (false), {@code te-invert} (false: the sanity ablation that prunes the most informative modules hardest).
 */
public final class TransferEntropyCriterion implements Criterion {
    private final MethodOptions options;
    /** The allocation settings, read once from the options (which {@link #configure} has checked). */
    private final double pMax;
    private final boolean dropModules, invert;
    private ModuleInteractions.Analysis analysis;

    public TransferEntropyCriterion() {
        this(MethodOptions.NONE);
    }

    private TransferEntropyCriterion(MethodOptions options) {
        this.options = options;
        settings(options, 0); // fails here, with one line, on a bad value
        this.pMax = pMax(options);
        this.dropModules = flag(options, "drop-modules");
        this.invert = flag(options, "te-invert");
    }

    @Override public String name() { return "transfer-entropy"; }

    @Override public String summary() {
        return "per-module ratios from transfer entropy between attention/MLP outputs (Gaussian, PCA to r dims), FLAP scores inside each module, bias compensation";
    }

    /** The moments FLAP's scores need ride along on the method's first pass ({@link ScoringContext#passWithMoments}). */
    @Override public Set<Evidence> needs() { return Set.of(Evidence.MODULE_SERIES); }
    @Override public String defaultAllocation() { return "module-ratios"; }
    @Override public boolean defaultBiasCompensation() { return true; }
    @Override public int defaultCalibrationSamples() { return 128; }

    @Override public Set<String> options() {
        return Set.of("te-dims", "te-reduce", "te-importance", "te-sketch", "p-max", "drop-modules", "te-invert");
    }

    @Override
    public Criterion configure(MethodOptions o) {
        o.requireOnly(name(), options());
        return new TransferEntropyCriterion(o);
    }

    /** The interaction settings from options; one-line errors on bad values. */
    public static ModuleInteractions.Settings settings(MethodOptions o, long seed) {
        String red = o.text("te-reduce", "pca"), imp = o.text("te-importance", "downstream");
        ModuleInteractions.Reduction reduction = switch (red) {
            case "pca" -> ModuleInteractions.Reduction.PCA;
            case "norm" -> ModuleInteractions.Reduction.NORM;
            default -> throw new Prune4jException("--te-reduce must be pca or norm, got '" + red + "'");
        };
        ModuleInteractions.Importance importance = switch (imp) {
            case "downstream" -> ModuleInteractions.Importance.DOWNSTREAM;
            case "downstream-mean" -> ModuleInteractions.Importance.DOWNSTREAM_MEAN;
            case "final" -> ModuleInteractions.Importance.FINAL;
            default -> throw new Prune4jException("--te-importance must be downstream, downstream-mean or final, got '" + imp + "'");
        };
        int dims = o.integer("te-dims", reduction == ModuleInteractions.Reduction.NORM ? 1 : 4);
        return new ModuleInteractions.Settings(dims, reduction, importance, o.integer("te-sketch", Math.max(64, dims)), seed);
    }

    static double pMax(MethodOptions o) {
        double p = o.number("p-max", 0.9);
        if (!(p > 0 && p <= 1)) throw new Prune4jException("--p-max must be in (0, 1], got " + p);
        return p;
    }

    static boolean flag(MethodOptions o, String key) {
        String v = o.text(key, "false");
        if (!v.equals("true") && !v.equals("false")) throw new Prune4jException("--" + key + " takes true or false, got '" + v + "'");
        return v.equals("true");
    }

    /** The analysis of the last scoring (TE matrix, importances), for the report. */
    public ModuleInteractions.Analysis analysis() {
        return analysis;
    }

    @Override
    public Object details() {
        return analysis == null ? null : new Details(analysis, invert, pMax, dropModules);
    }

    /** What the report carries: the analysis and the allocation settings it fed. */
    public record Details(ModuleInteractions.Analysis transferEntropy, boolean inverted, double pMax, boolean dropModules) {
        /** The importance the allocation ranks modules by: the analysis's, negated under {@code --te-invert}. */
        public double[] allocationImportance() {
            double[] v = transferEntropy.importance().clone();
            if (inverted) for (int i = 0; i < v.length; i++) v[i] = -v[i];
            return v;
        }
    }

    @Override
    public Scores score(ScoringContext ctx) {
        ModuleInteractions.Settings s = settings(options, ctx.seed());
        analysis = ctx.cached("transfer-entropy:" + s, c -> ModuleInteractions.analyse(c.transformer(), c.windows(), c::passWithMoments, s));
        Details d = (Details) details();
        Scores flap = new FlapCriterion().score(ctx);
        return new Scores(name(), flap.heads(), flap.channels(), flap.layers(), flap.standardised(),
                new Scores.Modules(d.allocationImportance(), pMax, dropModules));
    }
}
