package org.prune4j.prune;

import org.prune4j.bench.MachineInfo;
import org.prune4j.calib.ActivationStats;
import org.prune4j.calib.CalibrationSet;
import org.prune4j.criteria.Scores;
import org.prune4j.engine.Transformer;
import org.prune4j.eval.Perplexity;
import org.prune4j.eval.TokenScorer;
import org.prune4j.model.Model;
import org.prune4j.plan.PruningPlan;
import org.prune4j.surgery.Surgery;
import org.prune4j.util.Prune4jException;

import java.util.function.BiFunction;

/**
 * The pruning pipeline behind {@code prune4j prune} and {@code prune4j plan}: calibrate, score, allocate, cut,
 * and optionally measure perplexity before and after. Writing the result is the caller's choice of format.
 */
public final class Pruner {
    /** Everything a run produced, for the report. */
    public record Result(PruningPlan plan, Model pruned, CalibrationSet calibration, Perplexity.Result before,
                         Perplexity.Result after, double seconds, long peakRssBytes) {}

    private Pruner() {}

    /**
     * @param progress factory of progress listeners by stage label (calibration, eval-before, eval-after)
     */
    public static Result run(Model model, PruneRequest r, BiFunction<String, Boolean, TokenScorer.ProgressListener> progress,
                             boolean cut) {
        long t0 = System.nanoTime();
        if (r.fixedPlan() == null && !(r.ratio() > 0 && r.ratio() < 1)) throw new Prune4jException("--ratio must be in (0, 1), got " + r.ratio());
        if (model.tokenizer() == null && (r.needsCalibration() || r.eval() != null)) {
            throw new Prune4jException("the model has no tokenizer; pass --tokenizer");
        }
        CalibrationSet calib = null;
        ActivationStats stats = null;
        try (Transformer tf = new Transformer(model, r.threads())) {
            if (r.needsCalibration()) {
                if (r.calib() == null) throw new Prune4jException("--method " + r.method().cliName + " needs --calib text");
                calib = CalibrationSet.sample(r.calib(), model.tokenizer(), r.calibSamples(), r.calibLen(), r.seed());
                if (r.eval() != null && !r.allowOverlap()) calib.requireDisjointFrom(r.eval());
                stats = ActivationStats.collect(tf, calib.sequences(), 4096, progress.apply("calibration", true));
            }
            PruningPlan plan;
            if (r.fixedPlan() != null) {
                plan = r.fixedPlan();
                plan.validate(model.config());
            } else {
                Scores scores = r.method().score(model, stats, r.seed());
                plan = r.effectiveAllocation().allocate(model.config(), scores, r.ratio(), r.constraints(), r.effectiveBiasCompensation());
            }
            Perplexity.Result before = null, after = null;
            Model pruned = null;
            if (cut) {
                Surgery.InputMeans means = null;
                if (plan.biasCompensation()) {
                    int n = model.config().layerCount();
                    double[][] o = new double[n][], d = new double[n][];
                    for (int l = 0; l < n; l++) {
                        o[l] = stats.mean(stats.oSum[l]);
                        d[l] = stats.mean(stats.downSum[l]);
                    }
                    means = new Surgery.InputMeans(o, d);
                }
                pruned = Surgery.apply(model, plan, means);
                if (r.eval() != null) {
                    before = Perplexity.evaluate(tf, model.tokenizer(), r.eval(), r.protocol(), r.evalSeqLen(), 4096, progress.apply("eval dense", true));
                    try (Transformer ptf = new Transformer(pruned, r.threads())) {
                        after = Perplexity.evaluate(ptf, pruned.tokenizer(), r.eval(), r.protocol(), r.evalSeqLen(), 4096, progress.apply("eval pruned", true));
                    }
                }
            }
            return new Result(plan, pruned, calib, before, after, (System.nanoTime() - t0) / 1e9, MachineInfo.peakRss());
        }
    }
}
