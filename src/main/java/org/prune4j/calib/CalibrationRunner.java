package org.prune4j.calib;

import org.prune4j.engine.Batches;
import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.TapListener;
import org.prune4j.engine.TapPoint;
import org.prune4j.engine.Transformer;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;

/**
 * The calibration runner: calibration windows are packed into passes (the engine's one batching loop), every
 * pass gets fresh collectors, and the pass states are folded in window order. A pass is the unit a distributed
 * run may hand to another machine; folding in the same order makes the result identical to one machine.
 *
 * <p>{@link #sequential} is the layer-by-layer mode of FLAP's Wanda-SP baseline: layer l's statistics come from a
 * model whose layers &lt; l are already pruned.
 */
public final class CalibrationRunner {
    /** Rows per pass: bounds every activation buffer (gate/up are rows × FFN width) whatever the window count. */
    public static final int DEFAULT_PASS_TOKENS = 4096;

    private final int passTokens;
    private final ProgressListener progress;

    /** Where passes run when not here (installed once by a distributed launcher such as prune4j-spark); null: here. */
    private static volatile PassExecutor executor;

    /** Installs the executor every runner uses from now on (null: run passes here). */
    public static void useExecutor(PassExecutor e) {
        executor = e;
    }

    public CalibrationRunner(int passTokens, ProgressListener progress) {
        if (passTokens < 1) throw new IllegalArgumentException("pass size must be at least one token, got " + passTokens);
        this.passTokens = passTokens;
        this.progress = progress;
    }

    /** The progress listener of this run's calibration work (criteria with passes of their own report to it). */
    public ProgressListener progress() {
        return progress;
    }

    /** The windows of each pass, as index ranges [from, to): what a distributed run splits. */
    public List<int[]> passes(List<int[]> windows) {
        return Batches.plan(windows, passTokens);
    }

    /**
     * Runs every window through the model once with the collectors attached; returns the collectors holding the
     * folded state of all passes (each finished).
     */
    public List<Collector> run(Transformer tf, List<int[]> windows, List<? extends Collector> collectors) {
        List<Collector> total = fresh(collectors);
        long all = windows.stream().mapToLong(w -> w.length).sum();
        long[] done = {0};
        PassExecutor remote = executor;
        List<List<Collector>> parts = remote == null ? null : remote.runPasses(tf, windows, passes(windows), collectors);
        if (parts != null) {
            for (List<Collector> part : parts) for (int i = 0; i < total.size(); i++) total.get(i).merge(part.get(i));
            progress.update(all, all);
            for (Collector c : total) c.finish();
            return total;
        }
        for (int[] pass : passes(windows)) {
            List<Collector> part = runPass(tf, windows.subList(pass[0], pass[1]), collectors);
            for (int i = 0; i < total.size(); i++) total.get(i).merge(part.get(i));
            for (int i = pass[0]; i < pass[1]; i++) done[0] += windows.get(i).length;
            progress.update(done[0], all);
        }
        for (Collector c : total) c.finish();
        return total;
    }

    /** One pass over a group of windows with fresh collectors (not finished): the task of a distributed run. */
    public List<Collector> runPass(Transformer tf, List<int[]> windows, List<? extends Collector> kinds) {
        List<Collector> part = fresh(kinds);
        List<AutoCloseable> handles = attach(tf, part);
        try {
            Transformer.Batch b = tf.embed(Batches.chunks(tf.config(), windows));
            tf.runLayers(b, 0, tf.config().layerCount());
        } finally {
            detach(handles);
        }
        return part;
    }

    /** Decides one layer in sequential mode: from that layer's folded evidence, its pruned shape and weights. */
    public interface LayerDecision {
        /** @return the layer's new shape and weights, or null to keep it as it is */
        LayerCut decide(int layer, Model current, List<Collector> evidence);
    }

    /** A layer's replacement in sequential mode. */
    public record LayerCut(LayerShape shape, LayerWeights weights) {}

    /**
     * Layer-by-layer calibration: for each layer l, run it over the current hidden states of every window with
     * fresh collectors (the model's layers &lt; l already replaced), let {@code decide} cut it, then run the cut
     * layer over the same inputs to produce layer l+1's inputs. Returns the model with every decided layer replaced. Hidden states of all windows are kept
     * (windows × length × hidden floats), as FLAP's reference code keeps them.
     */
    public Model sequential(Model model, List<int[]> windows, List<? extends Collector> kinds, LayerDecision decide,
                                       org.prune4j.kernel.Parallel par) {
        List<int[]> passes = passes(windows);
        List<float[]> hidden = new ArrayList<>();
        List<BatchLayout> layouts = new ArrayList<>();
        Model current = model;
        try (Transformer tf = new Transformer(current, par)) {
            for (int[] pass : passes) {
                Transformer.Batch b = tf.embed(Batches.chunks(current.config(), windows.subList(pass[0], pass[1])));
                hidden.add(b.x());
                layouts.add(b.layout());
            }
        }
        int n = model.config().layerCount();
        for (int l = 0; l < n; l++) {
            List<Collector> total = fresh(kinds);
            try (Transformer tf = new Transformer(current, par)) {
                for (int p = 0; p < passes.size(); p++) {
                    List<Collector> part = fresh(kinds);
                    List<AutoCloseable> handles = attach(tf, part);
                    try {
                        runLayer(tf, l, hidden.get(p).clone(), layouts.get(p), windows.subList(passes.get(p)[0], passes.get(p)[1]));
                    } finally {
                        detach(handles);
                    }
                    for (int i = 0; i < total.size(); i++) total.get(i).merge(part.get(i));
                }
            }
            for (Collector c : total) c.finish();
            LayerCut cut = decide.decide(l, current, total);
            if (cut != null) current = replaceLayer(current, l, cut);
            try (Transformer tf = new Transformer(current, par)) {
                for (int p = 0; p < passes.size(); p++) {
                    runLayer(tf, l, hidden.get(p), layouts.get(p), windows.subList(passes.get(p)[0], passes.get(p)[1]));
                }
            }
            progress.update(l + 1, n);
        }
        return current;
    }

    private static void runLayer(Transformer tf, int layer, float[] x, BatchLayout layout, List<int[]> windows) {
        tf.runLayers(new Transformer.Batch(x, layout.rows(), layout, Batches.chunks(tf.config(), windows)), layer, layer + 1);
    }

    private static List<Collector> fresh(List<? extends Collector> kinds) {
        List<Collector> out = new ArrayList<>();
        for (Collector c : kinds) out.add(c.fresh());
        return out;
    }

    static Model replaceLayer(Model m, int l, LayerCut cut) {
        List<LayerShape> shapes = new ArrayList<>(m.config().layers());
        shapes.set(l, cut.shape());
        ModelConfig c = m.config().withLayers(shapes);
        return new Model(c, m.weights().withLayer(l, cut.weights()), m.tokenizer(), null, "partially pruned model");
    }

    private static List<AutoCloseable> attach(Transformer tf, List<Collector> collectors) {
        List<AutoCloseable> handles = new ArrayList<>();
        for (Collector c : collectors) {
            for (TapPoint p : c.points()) {
                TapListener l = c::observe;
                handles.add(tf.taps().add(p, l));
            }
        }
        return handles;
    }

    private static void detach(List<AutoCloseable> handles) {
        for (AutoCloseable h : handles) {
            try {
                h.close();
            } catch (Exception ignored) {
                // removing a listener cannot fail
            }
        }
    }
}
