package org.prune4j.criteria;

import org.prune4j.calib.ActivationStats;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.calib.Collector;
import org.prune4j.calib.LayerSimilarity;
import org.prune4j.engine.Transformer;
import org.prune4j.engine.TokenScorer;
import org.prune4j.model.Model;
import org.prune4j.model.ModelWeights;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a criterion scores from: the model, the calibration windows, the seed, and evidence computed on demand
 * and cached, so two criteria (or a criterion and bias compensation) that need the same moments share one pass.
 * Methods with evidence of their own (gradients, module series) compute it through {@link #cached}
 * (module series with {@link #passWithMoments}, which gathers the moments on the same pass).
 */
public final class ScoringContext {
    private final Model model;
    private final List<int[]> windows;
    private final long seed;
    private final Transformer tf;
    private final CalibrationRunner runner;
    private final Map<String, Object> cache = new HashMap<>();
    private final List<String> documents;
    /** The dense residual stream per calibration pass at the input of {@code residualLayer} (loss probes). */
    private List<float[]> residuals;
    private int residualLayer = -1;
    /** KV caches reused by every loss probe (same windows each time). */
    private org.prune4j.engine.CachePool probeCaches;

    /**
     * @param windows calibration windows (token ids), or null when the run has no calibration text
     * @param tf      a transformer over {@code model}, owned by the caller
     */
    public ScoringContext(Model model, List<int[]> windows, long seed, Transformer tf, CalibrationRunner runner) {
        this(model, windows, null, seed, tf, runner);
    }

    /** @param documents the calibration text's documents in file order (methods that read whole texts), or null */
    public ScoringContext(Model model, List<int[]> windows, List<String> documents, long seed, Transformer tf, CalibrationRunner runner) {
        this.documents = documents;
        this.model = model;
        this.windows = windows;
        this.seed = seed;
        this.tf = tf;
        this.runner = runner;
    }

    public Model model() { return model; }
    public long seed() { return seed; }
    public Transformer transformer() { return tf; }
    public CalibrationRunner runner() { return runner; }

    public boolean hasCalibration() {
        return windows != null && !windows.isEmpty();
    }

    /** The calibration windows; fails with a one-line message when the run has none. */
    public List<int[]> windows() {
        if (!hasCalibration()) throw new Prune4jException("this method needs calibration text, and none was given");
        return windows;
    }

    /** The calibration text's documents in file order; fails with one line when the run has none. */
    public List<String> documents() {
        if (documents == null || documents.isEmpty()) throw new Prune4jException("this method needs calibration text, and none was given");
        return documents;
    }

    /** Computes the listed evidence now, sharing one calibration pass among the collectors that need one. */
    public void prepare(Set<Evidence> needs) {
        List<Collector> pending = new ArrayList<>();
        if (needs.contains(Evidence.ACTIVATION_MOMENTS) && !cache.containsKey("moments")) pending.add(new ActivationStats(model.config()));
        if (needs.contains(Evidence.LAYER_SIMILARITY) && !cache.containsKey("similarity")) pending.add(new LayerSimilarity(model.config().layerCount()));
        if (pending.isEmpty()) return;
        for (Collector c : runner.run(tf, windows(), pending)) {
            if (c instanceof ActivationStats a) cache.put("moments", a);
            if (c instanceof LayerSimilarity s) cache.put("similarity", s);
        }
    }

    /**
     * Supplies evidence computed elsewhere (merged from other machines, or built by hand in a test) so that it is
     * not computed again.
     */
    public void supply(Evidence kind, Object value) {
        switch (kind) {
            case ACTIVATION_MOMENTS -> cache.put("moments", (ActivationStats) value);
            case LAYER_SIMILARITY -> cache.put("similarity", (LayerSimilarity) value);
            default -> cache.put(kind.name(), value);
        }
    }

    /** Activation moments of the dense model over the calibration windows. */
    public ActivationStats moments() {
        prepare(Set.of(Evidence.ACTIVATION_MOMENTS));
        return (ActivationStats) cache.get("moments");
    }

    /** Input/output cosine per layer over the calibration windows. */
    public LayerSimilarity similarity() {
        prepare(Set.of(Evidence.LAYER_SIMILARITY));
        return (LayerSimilarity) cache.get("similarity");
    }

    /**
     * Mean next-token NLL of the calibration windows under other weights (e.g. perturbed views of this model's);
     * the stored weights are untouched. One loss probe: a scalar, so probes can run anywhere and be summed.
     */
    public double loss(ModelWeights weights) {
        return loss(weights, 0);
    }

    /**
     * {@link #loss(ModelWeights)} for weights that equal this model's in every layer below {@code fromLayer}:
     * passes resume from the dense residual stream at that layer (kept for the last layer asked, one layer's
     * rows × d floats), so a probe of layer l costs the layers from l on. Same bits as the full pass.
     */
    public double loss(ModelWeights weights, int fromLayer) {
        if (probeCaches == null) probeCaches = new org.prune4j.engine.CachePool(model.config());
        if (fromLayer > 0 && residualLayer != fromLayer) {
            residuals = new TokenScorer(tf, CalibrationRunner.DEFAULT_PASS_TOKENS, probeCaches).residualsAt(windows(), fromLayer);
            residualLayer = fromLayer;
        }
        try (Transformer probe = tf.sharing(model.withWeights(weights))) {
            double[][] nll = new TokenScorer(probe, CalibrationRunner.DEFAULT_PASS_TOKENS, probeCaches).score(windows(), fromLayer,
                    fromLayer > 0 ? residuals : null, org.prune4j.util.ProgressListener.NONE);
            double sum = 0;
            long n = 0;
            for (double[] s : nll) {
                for (double v : s) sum += v;
                n += s.length;
            }
            double mean = sum / Math.max(1, n);
            if (!Double.isFinite(mean)) throw new Prune4jException("the calibration loss is NaN/Inf under the probed weights");
            return mean;
        }
    }

    /**
     * Exact gradients of the mean next-token loss over the calibration windows (backprop with layer checkpointing);
     * each weight's gradient goes to the sink as soon as it is complete, for the criterion to reduce and drop.
     */
    public org.prune4j.grad.Backprop.Loss gradients(org.prune4j.grad.GradientSink sink) {
        return gradients(windows(), sink);
    }

    /** Exact gradients over some of the windows (per-sample gradients: one window at a time). */
    public org.prune4j.grad.Backprop.Loss gradients(List<int[]> some, org.prune4j.grad.GradientSink sink) {
        org.prune4j.util.ProgressListener p = some.size() == windows().size() ? runner.progress() : org.prune4j.util.ProgressListener.NONE;
        return new org.prune4j.grad.Backprop(model, tf.parallel()).run(some, sink, p);
    }

    /** Drops what loss probes keep between calls (saved residual stream, pooled KV caches) once the probes are done. */
    public void releaseProbeState() {
        residuals = null;
        residualLayer = -1;
        probeCaches = null;
    }

    /**
     * One calibration pass of the given collectors (finished, in order); the activation moments ride along when they
     * are not cached yet, and are cached, so a method's own pass also serves FLAP scores and bias compensation.
     */
    public List<Collector> passWithMoments(List<? extends Collector> collectors) {
        List<Collector> all = new ArrayList<>(collectors);
        boolean moments = !cache.containsKey("moments");
        if (moments) all.add(new ActivationStats(model.config()));
        List<Collector> done = runner.run(tf, windows(), all);
        if (moments) cache.put("moments", done.get(done.size() - 1));
        return done.subList(0, collectors.size());
    }

    /** Method-specific evidence, computed once per context under its name. */
    @SuppressWarnings("unchecked")
    public <T> T cached(String name, Function<ScoringContext, T> compute) {
        Object v = cache.get(name);
        if (v == null) {
            v = compute.apply(this);
            cache.put(name, v);
        }
        return (T) v;
    }
}
