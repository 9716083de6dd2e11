package org.prune4j.prune;

import org.prune4j.alloc.Allocation;
import org.prune4j.alloc.Allocations;
import org.prune4j.alloc.Constraints;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.model.ModelConfig;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.calib.CalibrationSet;
import org.prune4j.criteria.Criteria;
import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.Scored;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;
import org.prune4j.engine.Transformer;
import org.prune4j.eval.Perplexity;
import org.prune4j.model.Model;
import org.prune4j.plan.PruningPlan;
import org.prune4j.surgery.Surgery;
import org.prune4j.util.ProcessMemory;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;

/**
 * The pruning pipeline behind {@code prune4j prune} and {@code prune4j plan}: calibrate, score, allocate, cut,
 * and optionally measure perplexity before and after. Writing the result is the caller's choice of format.
 */
public final class Pruner {
    /** Wall time of each stage, seconds. */
    public record Timings(double calibration, double scoring, double cut, double evaluation, double total) {}

    /**
     * What the run resolved from the request's defaults: the method as it actually ran.
     *
     * @param options     the method's options as given, plus the layer range it pruned
     * @param constraints the request's constraints with the layers outside the method's range protected
     */
    public record Resolved(String criterion, String allocation, boolean biasCompensation, java.util.Map<String, String> options,
                           Constraints constraints) {}

    /**
     * Everything a run produced, for the report.
     *
     * @param methodDetails the criterion's own evidence for the report ({@link Criterion#scored}), or null
     * @param scores        the scores the plan was allocated from (null for a saved plan or a sequential run), which
     *                      {@link ScoresFile} saves for re-allocation at other ratios without re-scoring
     */
    public record Result(PruningPlan plan, Model pruned, CalibrationSet calibration, Perplexity.Result before,
                         Perplexity.Result after, Resolved resolved, Timings timings, long peakRssBytes, Object methodDetails, Scores scores) {}

    private Pruner() {}

    /**
     * @param progress progress listeners by stage label (calibration, eval dense, eval pruned)
     * @param cut      false only plans (the {@code plan} command): no surgery, no evaluation
     */
    public static Result run(Model model, PruneRequest r, Function<String, ProgressListener> progress, boolean cut) {
        return run(model, r, progress, cut, null);
    }

    /**
     * @param saved scores saved from an earlier run of the same method on this model ({@link ScoresFile}): allocated
     *              as they are, so another ratio costs no scoring (calibration runs only for bias compensation); null
     *              to score
     */
    public static Result run(Model model, PruneRequest r, Function<String, ProgressListener> progress, boolean cut, Scores saved) {
        long t0 = System.nanoTime();
        Resolved resolved = resolve(r, model.config());
        Criterion criterion = r.fixedPlan() == null ? criterion(Criteria.get(resolved.criterion()), r) : null;
        if (saved != null) {
            if (criterion == null || r.method().mode() == PruneRequest.CalibrationMode.SEQUENTIAL) {
                throw new Prune4jException("saved scores apply to a dense-calibrated method run, not to a saved plan or sequential calibration");
            }
            if (!saved.criterion().equals(criterion.name())) {
                throw new Prune4jException("the saved scores are " + saved.criterion() + "'s, not " + criterion.name() + "'s");
            }
        }
        PruneRequest.Method method = r.method().withConstraints(resolved.constraints());
        Set<Evidence> needs = EnumSet.noneOf(Evidence.class);
        if (criterion != null && saved == null) needs.addAll(criterion.needs());
        // Sequential runs take their bias means from their own layer-by-layer pass, never from dense moments.
        if (resolved.biasCompensation() && cut && r.method().mode() != PruneRequest.CalibrationMode.SEQUENTIAL) {
            needs.add(Evidence.ACTIVATION_MOMENTS);
        }
        boolean calibrate = !needs.isEmpty() || r.method().mode() == PruneRequest.CalibrationMode.SEQUENTIAL && r.fixedPlan() == null;
        if (model.tokenizer() == null && (calibrate || r.evaluation() != null)) {
            throw new Prune4jException("the model has no tokenizer; give one with the model");
        }
        CalibrationSet calib = calibrate ? calibration(model, r, criterion != null ? criterion.name() : "saved plan") : null;
        CalibrationRunner runner = new CalibrationRunner(r.runtime().passTokens(), progress.apply("calibration"));
        try (Transformer tf = new Transformer(model, r.runtime().threads())) {
            ScoringContext ctx = new ScoringContext(model, calib == null ? null : calib.sequences(), calib == null ? null : calib.documents(), r.seed(), tf, runner);
            long t1 = System.nanoTime();
            PruningPlan plan = null;
            Object details = null;
            Scores scores = null;
            Model sequentialModel = null;
            boolean sequentialBias = false;
            if (r.fixedPlan() != null) {
                plan = r.fixedPlan();
                plan.validate(model.config());
                ctx.prepare(needs);
            } else if (r.method().mode() == PruneRequest.CalibrationMode.SEQUENTIAL && !(criterion instanceof org.prune4j.criteria.LayerwiseCriterion)) {
                // Scores from the dense model; only the bias means come from the progressively pruned model.
                if (!resolved.biasCompensation()) {
                    throw new Prune4jException("sequential calibration of " + criterion.name() + " changes only the bias means: it needs bias compensation");
                }
                ctx.prepare(needs);
                sequentialBias = true;
            } else if (r.method().mode() == PruneRequest.CalibrationMode.SEQUENTIAL) {
                Sequential.Outcome o = Sequential.run(model, ctx, criterion, method, resolved, tf.parallel());
                plan = o.plan();
                sequentialModel = o.pruned();
            } else if (saved == null) {
                // The bias means are computed when the cut asks for them, so a criterion whose own pass gathers the
                // moments too (transfer entropy) saves a pass.
                ctx.prepare(criterion.needs());
            }
            long t2 = System.nanoTime();
            if (r.fixedPlan() == null && sequentialModel == null) {
                if (saved != null) {
                    scores = saved;
                } else {
                    Scored scored = criterion.scored(ctx);
                    scores = scored.scores();
                    details = scored.details();
                }
                scores.requireFinite();
                Allocation allocation = allocation(resolved, r);
                plan = allocation.allocate(model.config(), scores, method.target(), method.constraints(), resolved.biasCompensation());
            }
            long t3 = System.nanoTime();
            Perplexity.Result before = null, after = null;
            Model pruned = null;
            long t4 = t3;
            if (cut) {
                pruned = sequentialModel != null ? sequentialModel
                        : sequentialBias ? Sequential.applyWithSequentialMeans(model, ctx, plan, tf.parallel())
                        : Surgery.apply(model, plan, plan.biasCompensation() ? means(ctx) : null);
                t4 = System.nanoTime();
                if (r.evaluation() != null) {
                    PruneRequest.Evaluation e = r.evaluation();
                    before = Perplexity.evaluate(tf, model.tokenizer(), e.file(), e.protocol(), e.seqLen(), 4096, progress.apply("eval dense"));
                    try (Transformer ptf = new Transformer(pruned, tf.parallel())) {
                        after = Perplexity.evaluate(ptf, pruned.tokenizer(), e.file(), e.protocol(), e.seqLen(), 4096, progress.apply("eval pruned"));
                    }
                }
            }
            long t5 = System.nanoTime();
            Timings timings = new Timings((t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9, (t5 - t4) / 1e9, (t5 - t0) / 1e9);
            return new Result(plan, pruned, calib, before, after, resolved, timings, ProcessMemory.peakRss(), details, scores);
        }
    }

    /**
     * One method at several ratios, scoring once: calibration and scores do not depend on the ratio, so they are
     * computed for the first and reused (dense calibration; a sequential run, whose statistics depend on the cuts,
     * is repeated per ratio). Each result's timings carry the shared calibration and scoring once, on the first.
     */
    public static java.util.List<Result> runRatios(Model model, PruneRequest r, double[] ratios, Function<String, ProgressListener> progress) {
        return runRatios(model, r, ratios, progress, null);
    }

    /**
     * {@link #runRatios(Model, PruneRequest, double[], Function)} where a ratio the method cannot reach (its
     * structures and constraints allow less) does not stop the others: its result is null and {@code unreachable}
     * gets the ratio and the reason. A null {@code unreachable} throws instead.
     */
    public static java.util.List<Result> runRatios(Model model, PruneRequest r, double[] ratios, Function<String, ProgressListener> progress,
                                                   java.util.function.BiConsumer<Double, String> unreachable) {
        java.util.List<Result> out = new java.util.ArrayList<>();
        if (r.fixedPlan() != null || r.method().mode() == PruneRequest.CalibrationMode.SEQUENTIAL) {
            for (double ratio : ratios) {
                try {
                    out.add(run(model, withRatio(r, ratio), progress, true));
                } catch (Prune4jException e) {
                    if (unreachable == null || !isUnreachable(e)) throw e;
                    unreachable.accept(ratio, e.getMessage());
                    out.add(null);
                }
            }
            return out;
        }
        long t0 = System.nanoTime();
        Resolved resolved = resolve(r, model.config());
        Criterion criterion = criterion(Criteria.get(resolved.criterion()), r);
        Set<Evidence> needs = EnumSet.noneOf(Evidence.class);
        needs.addAll(criterion.needs());
        if (resolved.biasCompensation()) needs.add(Evidence.ACTIVATION_MOMENTS);
        if (model.tokenizer() == null) throw new Prune4jException("the model has no tokenizer; give one with the model");
        CalibrationSet calib = needs.isEmpty() ? null : calibration(model, r, criterion.name());
        CalibrationRunner runner = new CalibrationRunner(r.runtime().passTokens(), progress.apply("calibration"));
        try (Transformer tf = new Transformer(model, r.runtime().threads())) {
            ScoringContext ctx = new ScoringContext(model, calib == null ? null : calib.sequences(), calib == null ? null : calib.documents(), r.seed(), tf, runner);
            long t1 = System.nanoTime();
            ctx.prepare(criterion.needs());
            long t2 = System.nanoTime();
            Scored scored = criterion.scored(ctx);
            Scores scores = scored.scores();
            scores.requireFinite();
            long t3 = System.nanoTime();
            Allocation allocation = allocation(resolved, r);
            Surgery.InputMeans inputMeans = resolved.biasCompensation() ? means(ctx) : null;
            for (int i = 0; i < ratios.length; i++) {
                long a = System.nanoTime();
                org.prune4j.alloc.Target target = new org.prune4j.alloc.Target(ratios[i], r.method().target().basis());
                PruningPlan plan;
                try {
                    plan = allocation.allocate(model.config(), scores, target, resolved.constraints(), resolved.biasCompensation());
                } catch (Prune4jException e) {
                    if (unreachable == null || !isUnreachable(e)) throw e;
                    unreachable.accept(ratios[i], e.getMessage());
                    out.add(null);
                    continue;
                }
                Model pruned = Surgery.apply(model, plan, inputMeans);
                long b = System.nanoTime();
                double shared = i == 0 ? (t3 - t0) / 1e9 : 0;
                Timings timings = new Timings(i == 0 ? (t2 - t1) / 1e9 : 0, i == 0 ? (t3 - t2) / 1e9 : 0, (b - a) / 1e9, 0, shared + (b - a) / 1e9);
                out.add(new Result(plan, pruned, calib, null, null, resolved, timings, ProcessMemory.peakRss(), scored.details(), scores));
            }
        }
        return out;
    }

    /** The allocators' refusal of a ratio beyond what the method's structures allow (the one per-ratio failure). */
    private static boolean isUnreachable(Prune4jException e) {
        return e instanceof org.prune4j.alloc.UnreachableRatioException;
    }

    /** The request's calibration windows (disjoint from the evaluation text unless overlap is allowed). */
    private static CalibrationSet calibration(Model model, PruneRequest r, String method) {
        if (r.calibration() == null) throw new Prune4jException("the method " + method + " needs calibration text, and none was given");
        if (r.calibration().windows() != null) {
            PruneRequest.Calibration c = r.calibration();
            long tokens = c.windows().stream().mapToLong(w -> w.length).sum();
            return new CalibrationSet(c.windows(), java.nio.file.Path.of("(windows in memory)"), c.samples(), c.length(), r.seed(), tokens, java.util.List.of());
        }
        CalibrationSet calib = CalibrationSet.sample(r.calibration().file(), model.tokenizer(), r.calibration().samples(), r.calibration().length(), r.seed());
        if (r.evaluation() != null && !r.evaluation().allowOverlap()) calib.requireDisjointFrom(r.evaluation().file());
        return calib;
    }

    private static PruneRequest withRatio(PruneRequest r, double ratio) {
        PruneRequest.Method m = r.method();
        org.prune4j.alloc.Target.Basis basis = m.target() == null ? org.prune4j.alloc.Target.Basis.TOTAL_PARAMETERS : m.target().basis();
        return new PruneRequest(m.withTarget(new org.prune4j.alloc.Target(ratio, basis)), r.calibration(), r.evaluation(), r.runtime(),
                r.seed(), r.fixedPlan());
    }

    /** The request's defaults filled in from the criterion's published settings. */
    public static Resolved resolve(PruneRequest r, ModelConfig config) {
        Constraints k = r.method().constraints();
        if (r.fixedPlan() != null) return new Resolved("saved plan", "saved plan", r.fixedPlan().biasCompensation(), java.util.Map.of(), k);
        Criterion c = Criteria.get(r.method().criterion());
        String alloc = r.method().allocation() != null ? r.method().allocation() : c.defaultAllocation();
        Allocation a = Allocations.get(alloc);
        // Every option given must be the method's or its allocation's; each is parsed and checked here, before any work.
        java.util.Set<String> known = new java.util.TreeSet<>(MethodOptions.names(c.options()));
        known.addAll(MethodOptions.names(a.options()));
        r.method().options().requireOnly(c.name(), known);
        criterion(c, r);
        allocation(alloc, r);
        boolean bias = r.method().biasCompensation() != null ? r.method().biasCompensation() : c.defaultBiasCompensation();
        int[] range = r.method().options().layerRange(c, config);
        java.util.Set<Integer> protect = new java.util.TreeSet<>(k.protectedLayers());
        for (int l = 0; l < config.layerCount(); l++) if (l < range[0] || l >= range[1]) protect.add(l);
        if (protect.size() == config.layerCount()) {
            throw new Prune4jException("the layer range " + range[0] + ":" + range[1] + " and the protected layers leave nothing to prune");
        }
        java.util.Map<String, String> options = new java.util.TreeMap<>(r.method().options().values());
        options.put(MethodOptions.LAYER_RANGE, range[0] + ":" + range[1]);
        return new Resolved(c.name(), alloc, bias, options, new Constraints(protect, k.minHeads(), k.minChannels(), k.channelMultiple()));
    }

    /** The run's allocation with its settings applied (they travel with it, not inside the scores). */
    private static Allocation allocation(Resolved resolved, PruneRequest r) {
        return allocation(resolved.allocation(), r);
    }

    private static Allocation allocation(String name, PruneRequest r) {
        Allocation a = Allocations.get(name);
        return a.configure(r.method().options().only(MethodOptions.names(a.options())));
    }

    /** The method with its own options applied (the allocation's are the allocation's). */
    private static Criterion criterion(Criterion c, PruneRequest r) {
        return c.configure(r.method().options().only(MethodOptions.names(c.options())));
    }

    private static Surgery.InputMeans means(ScoringContext ctx) {
        var st = ctx.moments();
        int n = ctx.model().config().layerCount();
        double[][] o = new double[n][], d = new double[n][];
        for (int l = 0; l < n; l++) {
            o[l] = st.mean(st.oSum[l]);
            d[l] = st.mean(st.downSum[l]);
        }
        return new Surgery.InputMeans(o, d);
    }
}
