package org.prune4j.methods.minillm;

import org.prune4j.criteria.GroupSalience;
import org.prune4j.criteria.ScoringContext;

import org.prune4j.model.LayerWeights;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.CounterNoise;
import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.PerturbedWeight;
import org.prune4j.tensor.Weight;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * Zeroth-order (SPSA / MeZO) gradient estimation from forward passes only. A {@link Probe} is an independent task
 * defined by a seed and a scope (all prunable matrices, one layer's, or one module's); it returns one scalar,
 * c = (L(W + εz) − L(W − εz)) / 2ε, with z regenerated from a counter-based generator keyed by (probe seed, layer,
 * role, row) and never stored. The estimate of a matrix's gradient is ĝ = (1/q) Σ_r c_r z_r over the q probes that
 * cover it; it is rebuilt row by row from the scalars, so probes can run on any machine and only their scalars
 * travel.
 */
public final class ZerothOrder {
    /** What one probe perturbs at once. */
    public enum Scope {
        /** Every prunable matrix of every scored layer (MINI-LLM's Algorithm 1 as transcribed). */
        GLOBAL,
        /** One layer's seven matrices: c_l ≈ ⟨g_l, z_l⟩ carries that layer's gradient alone. */
        LAYER,
        /** One module's matrices (attention q/k/v/o or MLP gate/up/down). */
        MODULE
    }

    /**
     * One probe: {@code layer} −1 and {@code block} null perturb everything in scope; {@code sample} is r in 1..q.
     */
    public record Probe(int index, int layer, TensorRole.Block block, int sample, long seed) implements java.io.Serializable {
        boolean covers(int l, TensorRole role) {
            return (layer < 0 || layer == l) && (block == null || block == role.block);
        }

        @Override
        public String toString() {
            return "probe " + index + " (" + (layer < 0 ? "all layers" : "layer " + layer) + (block == null ? "" : ", " + block.name().toLowerCase())
                    + ", sample " + sample + ", seed " + Long.toHexString(seed) + ")";
        }
    }

    /** Runs probes elsewhere: every probe's scalar in probe order, or null to run them here. */
    public interface Executor {
        double[] run(org.prune4j.model.Model model, List<int[]> windows, List<Probe> probes, int[] layers, double eps, CounterNoise.Distribution dist);
    }

    private static volatile Executor executor;

    private ZerothOrder() {}

    /** Installs the executor every zeroth-order run uses from now on (null: probes run here). */
    public static void useExecutor(Executor e) {
        executor = e;
    }

    static Executor executor() {
        return executor;
    }

    /**
     * Runs the given probes (indices into {@code probes}) on one engine over the dense model, grouped by the first
     * layer they change so each group resumes from one saved residual stream; returns their scalars in the given
     * order. Each scalar depends only on its probe, so any split of the probes gives the same scalars.
     */
    public static double[] estimateAll(org.prune4j.engine.Transformer tf, org.prune4j.model.Model model, List<int[]> windows, List<Probe> probes,
                                       int[] which, int[] layers, double eps, CounterNoise.Distribution dist, org.prune4j.util.ProgressListener progress) {
        ScoringContext ctx = new ScoringContext(model, windows, 0, tf, new org.prune4j.calib.CalibrationRunner(
                org.prune4j.calib.CalibrationRunner.DEFAULT_PASS_TOKENS, progress));
        Integer[] order = java.util.stream.IntStream.range(0, which.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt((Integer i) -> firstLayer(probes.get(which[i]), layers)).thenComparingInt(i -> which[i]));
        double[] c = new double[which.length];
        int done = 0;
        for (int i : order) {
            c[i] = estimate(ctx, probes.get(which[i]), layers, eps, dist);
            progress.update(++done, c.length);
        }
        ctx.releaseProbeState();
        return c;
    }

    /**
     * The probes of a scope over the scored layers, q samples per unit, seeds derived from the run's seed. Samples
     * come first in the order (sample 1 of every unit, then sample 2 ...), so the first k·units probes are the
     * estimate with q = k: studies over q reuse one probe list.
     */
    public static List<Probe> probes(Scope scope, int[] layers, int q, long seed) {
        List<int[]> units = new ArrayList<>(); // {layer, block ordinal or -1}
        switch (scope) {
            case GLOBAL -> units.add(new int[]{-1, -1});
            case LAYER -> { for (int l : layers) units.add(new int[]{l, -1}); }
            case MODULE -> {
                for (int l : layers) {
                    units.add(new int[]{l, TensorRole.Block.ATTENTION.ordinal()});
                    units.add(new int[]{l, TensorRole.Block.MLP.ordinal()});
                }
            }
        }
        List<Probe> out = new ArrayList<>();
        for (int r = 0; r < q; r++) {
            for (int[] u : units) {
                long s = CounterNoise.mix(CounterNoise.mix(CounterNoise.mix(seed ^ 0x5A5AL) + scope.ordinal()) + (u[0] + 1) * 31L + (u[1] + 1)) + r;
                out.add(new Probe(out.size(), u[0], u[1] < 0 ? null : TensorRole.Block.values()[u[1]], r + 1, CounterNoise.mix(s)));
            }
        }
        return out;
    }

    /** The weights W + sign·ε·z of a probe: views over the stored matrices in scope, everything else as stored. */
    public static ModelWeights perturbed(ModelWeights base, Probe p, int[] layers, double signedEps, CounterNoise.Distribution dist) {
        ModelWeights w = base;
        for (int l : layers) {
            if (p.layer() >= 0 && p.layer() != l) continue;
            LayerWeights lw = w.layers().get(l);
            for (TensorRole role : TensorRole.LINEAR) {
                Weight m = lw.weight(role);
                if (m == null || !p.covers(l, role)) continue;
                Matrix stored = m instanceof Matrix mm ? mm : m.materialize();
                lw = lw.with(role, new PerturbedWeight(stored, p.seed(), l, role.ordinal(), signedEps, dist));
            }
            w = w.withLayer(l, lw);
        }
        return w;
    }

    /** Runs one probe: two loss evaluations, one scalar. Stops with one line naming the probe if a loss is NaN/Inf. */
    public static double estimate(ScoringContext ctx, Probe p, int[] layers, double eps, CounterNoise.Distribution dist) {
        double plus = loss(ctx, p, layers, eps, dist, "+"), minus = loss(ctx, p, layers, -eps, dist, "-");
        return (plus - minus) / (2 * eps);
    }

    /** The first layer a probe changes: its passes resume there. */
    public static int firstLayer(Probe p, int[] layers) {
        return p.layer() >= 0 ? p.layer() : layers[0];
    }

    private static double loss(ScoringContext ctx, Probe p, int[] layers, double signedEps, CounterNoise.Distribution dist, String sign) {
        try {
            return ctx.loss(perturbed(ctx.model().weights(), p, layers, signedEps, dist), firstLayer(p, layers));
        } catch (Prune4jException e) {
            throw new Prune4jException("the calibration loss is NaN/Inf at W " + sign + " ε·z for zeroth-order " + p + "; use a smaller --zo-eps");
        }
    }

    /**
     * The estimate row by row: ĝ of row r from the covering probes' scalars and regenerated noise, so scoring never
     * holds a matrix-sized estimate (forward-only memory all the way).
     */
    public static GroupSalience.GradientRows rows(List<Probe> probes, double[] c, int count, int layer, TensorRole role,
                                                  CounterNoise.Distribution dist) {
        List<Integer> covering = new ArrayList<>();
        for (int i = 0; i < count; i++) if (probes.get(i).covers(layer, role)) covering.add(i);
        if (covering.isEmpty()) throw new IllegalStateException("no probe covers " + role + " of layer " + layer);
        return (r, out) -> {
            java.util.Arrays.fill(out, 0f);
            float[] z = new float[out.length];
            for (int i : covering) {
                CounterNoise.fillRow(dist, CounterNoise.key(probes.get(i).seed(), layer, role.ordinal(), r), z, 0, z.length);
                float ci = (float) c[i];
                for (int j = 0; j < out.length; j++) out[j] += ci * z[j];
            }
            for (int j = 0; j < out.length; j++) out[j] /= covering.size();
        };
    }

    /** ĝ = (1/q) Σ_r c_r z_r for a whole matrix [rows × cols], from {@link #rows} (small matrices and tests). */
    public static float[] gradient(List<Probe> probes, double[] c, int count, int layer, TensorRole role, int rows, int cols,
                                   CounterNoise.Distribution dist) {
        GroupSalience.GradientRows src = rows(probes, c, count, layer, role, dist);
        float[] g = new float[rows * cols], row = new float[cols];
        for (int r = 0; r < rows; r++) {
            src.fill(r, row);
            System.arraycopy(row, 0, g, r * cols, cols);
        }
        return g;
    }
}
