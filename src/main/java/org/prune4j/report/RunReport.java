package org.prune4j.report;

import org.prune4j.alloc.Target;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.PlanJson;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;

import java.util.List;
import java.util.Set;

/**
 * The report of a pruning run: the exact configuration and seeds, calibration, parameter accounting, perplexity
 * with its protocol, the pruned shape, the plan, stage timings and peak memory; the share each module (attention
 * 2l, MLP 2l+1) lost; and the method's own evidence when it has some (transfer entropy's matrix and importances). Written and read by
 * {@link RunReports}; the {@code plan} member is what {@code prune --plan} applies.
 */
public record RunReport(Config config, Calibration calibration, Parameters parameters, Evaluation eval, ShapeSummary shape,
                        PlanJson.Plan plan, Pruner.Timings timings, double wallSeconds, Double exportSeconds, long peakRssBytes,
                        double[] moduleRatios, Object methodDetails) {

    /**
     * @param ratioBasis what the ratio counts: "total-parameters" (prune4j) or "flap-attn-mlp" (FLAP's own rule)
     */
    public record Config(String model, String method, Double ratio, String ratioBasis, String allocation, boolean biasCompensation,
                         String calibrationMode, Set<Integer> protectedLayers, int minHeads, int minChannels, int channelMultiple,
                         long seed, int threads, String out, String format, java.util.Map<String, String> methodOptions) {}

    public record Calibration(String file, int samples, int length, long seed, int documents, long streamTokens) {}

    public record Parameters(long before, long after, double removedFraction, long layerParametersBefore, long layerParametersAfter,
                             String counted) {}

    /** @param seqLen the window (stream) or truncation (documents) length; 0 = model context */
    public record Evaluation(String file, String protocol, int seqLen, long tokens, double perplexityBefore, double perplexityAfter,
                             double meanNllBefore, double meanNllAfter) {}

    /** Builds the report of a finished run. */
    public static RunReport of(PruneRequest r, Pruner.Result res, ModelConfig dense, String model, String out, String format, Double exportSeconds) {
        ModelConfig pruned = res.plan().apply(dense);
        var m = r.method();
        boolean saved = r.fixedPlan() != null;
        Config cfg = new Config(model, res.resolved().criterion(), saved ? null : m.target().ratio(),
                saved ? null : basisName(m.target().basis()), res.resolved().allocation(), res.resolved().biasCompensation(),
                m.mode().name().toLowerCase(), res.resolved().constraints().protectedLayers(), m.constraints().minHeads(), m.constraints().minChannels(),
                m.constraints().channelMultiple(), r.seed(), r.runtime().threads(), out, format, res.resolved().options());
        Calibration cal = res.calibration() == null ? null : new Calibration(res.calibration().source().toString(), res.calibration().samples(),
                res.calibration().length(), res.calibration().seed(), res.calibration().documents().size(), res.calibration().streamTokens());
        Parameters p = new Parameters(dense.totalParameters(), pruned.totalParameters(), 1.0 - (double) pruned.totalParameters() / dense.totalParameters(),
                dense.layerParameters(), pruned.layerParameters(),
                "all weights and biases incl. norms, token embedding and (untied) output; embeddings/output are never pruned");
        Evaluation e = res.before() == null ? null : new Evaluation(r.evaluation().file().toString(), r.evaluation().protocol().cliName(),
                r.evaluation().seqLen(), res.before().tokens(), res.before().perplexity(), res.after().perplexity(),
                res.before().meanNll(), res.after().meanNll());
        return new RunReport(cfg, cal, p, e, ShapeSummary.of(pruned), PlanJson.Plan.of(res.plan(), dense), res.timings(),
                res.timings().total(), exportSeconds, res.peakRssBytes(), res.plan().moduleRatios(dense), res.methodDetails());
    }

    public static String basisName(Target.Basis b) {
        return b == Target.Basis.TOTAL_PARAMETERS ? "total-parameters" : "flap-attn-mlp";
    }

    /** Lines for a terminal: parameters, per-layer shapes, perplexity, time and memory. */
    public List<String> summary() {
        List<String> out = new java.util.ArrayList<>();
        out.add(String.format("parameters %,d -> %,d (removed %.2f%%)", parameters.before(), parameters.after(), 100 * parameters.removedFraction()));
        for (PlanJson.Layer l : plan.layers()) {
            out.add(String.format("  layer %2d: %s", l.layer(), l.removed() ? "removed"
                    : String.format("heads %s  kv %s  channels %s", l.heads(), l.kvGroups(), l.channels())));
        }
        if (eval != null) {
            out.add(String.format("perplexity %.4f -> %.4f (%s, %d tokens)", eval.perplexityBefore(), eval.perplexityAfter(), eval.protocol(), eval.tokens()));
        }
        out.add(String.format("%.1f s (calibration %.1f, scoring %.1f, cut %.1f, evaluation %.1f%s), peak RSS %.0f MiB", wallSeconds,
                timings.calibration(), timings.scoring(), timings.cut(), timings.evaluation(),
                exportSeconds == null ? "" : String.format(", export %.1f", exportSeconds), peakRssBytes / 1048576.0));
        return out;
    }
}
