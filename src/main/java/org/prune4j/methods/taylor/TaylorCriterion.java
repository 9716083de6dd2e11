package org.prune4j.methods.taylor;

import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.GroupSalience;
import org.prune4j.criteria.MethodOption;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;

import org.prune4j.grad.GradientSink;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.Weight;
import org.prune4j.util.Prune4jException;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * LLM-Pruner's first-order Taylor importance ({@code TaylorImportance} in its hf_llama_pruner.py), with exact
 * gradients of the mean next-token loss over the calibration windows (prune4j's backprop):
 * <ul>
 *   <li>{@code element1} ({@code param_first}, "Element¹"): Σ |W ⊙ g| over the structure's weights;</li>
 *   <li>{@code element2} ({@code param_mix}, "Element²"): Σ |W ⊙ g − ½ W ⊙ F ⊙ W|, F the Fisher diagonal
 *       Σ_j g_j² / N over per-window gradients g_j (LLM-Pruner backpropagates each sample alone for it);</li>
 *   <li>{@code vector} ({@code vectorize}): per matrix row or column |Σ W ⊙ g|, summed over the group.</li>
 * </ul>
 * Group aggregation is LLM-Pruner's default sum ({@link GroupSalience}); the published setting prunes layers 4…29
 * of 32 (scaled to the model's depth) with a uniform per-layer ratio raised to meet the global target.
 */
public final class TaylorCriterion implements Criterion {
    public enum Variant { ELEMENT1, ELEMENT2, VECTOR }

    private final Variant variant;
    private final MethodOptions options;

    public TaylorCriterion() {
        this(Variant.ELEMENT1, MethodOptions.NONE);
    }

    public TaylorCriterion(Variant variant, MethodOptions options) {
        this.variant = variant;
        this.options = options;
    }

    public Variant variant() { return variant; }

    @Override public String name() { return "taylor"; }

    @Override public String summary() {
        return "LLM-Pruner's Taylor importance with exact gradients (--taylor element1|element2|vector; default element1)";
    }

    @Override public Set<Evidence> needs() { return Set.of(Evidence.GRADIENTS); }
    public static final MethodOption<Variant> VARIANT = MethodOption.choice("taylor", Variant.ELEMENT1,
            "taylor: element1 (Σ|W·g|), element2 (Σ|W·g − ½W·F·W|, per-window Fisher) or vector (|ΣW·g|)", Variant.class);

    @Override public List<MethodOption<?>> options() { return List.of(VARIANT); }

    @Override
    public Criterion configure(MethodOptions o) {
        o.requireOnly(name(), MethodOptions.names(options()));
        return new TaylorCriterion(VARIANT.value(o), o);
    }

    /** LLM-Pruner's 10 calibration samples (of 128 tokens with prune4j's default --calib-len). */
    @Override
    public int defaultCalibrationSamples() {
        return 10;
    }

    /** LLM-Pruner's layers 4 ≤ l &lt; 30 of 32, scaled to L layers. */
    @Override
    public int[] defaultLayerRange(ModelConfig c) {
        return llmPrunerRange(c.layerCount());
    }

    public static int[] llmPrunerRange(int layers) {
        int start = (int) Math.round(4.0 * layers / 32), end = layers - (int) Math.round(2.0 * layers / 32);
        return new int[]{Math.min(start, layers - 1), Math.max(end, Math.min(start, layers - 1) + 1)};
    }

    @Override
    public Scores score(ScoringContext ctx) {
        ModelConfig c = ctx.model().config();
        // Only the pruned layers' gradients are reduced (or, for element2, kept): the others cost nothing to drop.
        int[] range = options.layerRange(this, c);
        Set<Integer> scored = IntStream.range(range[0], range[1]).boxed().collect(Collectors.toSet());
        List<LayerWeights> weights = ctx.model().weights().layers();
        GroupSalience.Reduction red = variant == Variant.VECTOR ? GroupSalience.Reduction.ABS_OF_SUM : GroupSalience.Reduction.SUM_OF_ABS;
        GroupSalience groups = new GroupSalience(name() + "-" + variant.name().toLowerCase(), c, weights, red, null, scored);
        if (variant != Variant.ELEMENT2) {
            ctx.gradients(groups);
            return groups.scores();
        }
        FisherSums f = new FisherSums(c.layerCount(), scored);
        List<int[]> windows = ctx.windows();
        long predictions = 0;
        for (int[] w : windows) predictions += w.length - 1;
        for (int i = 0; i < windows.size(); i++) {
            f.weight = (double) (windows.get(i).length - 1) / predictions;
            f.samples = windows.size();
            ctx.gradients(List.of(windows.get(i)), f);
            ctx.runner().progress().update(i + 1, windows.size());
        }
        for (int l = 0; l < c.layerCount(); l++) {
            for (Map.Entry<TensorRole, float[][]> e : f.sums.get(l).entrySet()) {
                Weight w = weights.get(l).weight(e.getKey());
                float[] g = e.getValue()[0], fisher = e.getValue()[1], row = new float[w.cols()];
                // W·g − ½·W·F·W = W ⊙ (g − ½ F ⊙ W): hand the bracket to the W ⊙ G reduction.
                for (int r = 0; r < w.rows(); r++) {
                    w.readRows(r, 1, row, 0);
                    for (int j = 0; j < row.length; j++) g[r * row.length + j] -= 0.5f * fisher[r * row.length + j] * row[j];
                }
                groups.accept(l, e.getKey(), w, g);
            }
        }
        return groups.scores();
    }

    /**
     * Per prunable matrix, the batch gradient (Σ_j weight_j·g_j, the mean loss's gradient over all windows) and the
     * Fisher diagonal Σ_j g_j²/N: two full-size f32 buffers per matrix, the honest cost of the second-order term.
     */
    private static final class FisherSums implements GradientSink {
        final List<Map<TensorRole, float[][]>> sums;
        final Set<Integer> scored;
        double weight;
        int samples;

        FisherSums(int layers, Set<Integer> scored) {
            this.scored = scored;
            IntFunction<Map<TensorRole, float[][]>> make = l -> new EnumMap<>(TensorRole.class);
            sums = IntStream.range(0, layers).mapToObj(make).collect(Collectors.toList());
        }

        @Override
        public void accept(int layer, TensorRole role, float[] grad) {
            if (layer < 0 || !role.matrix || !scored.contains(layer)) return;
            float[][] s = sums.get(layer).computeIfAbsent(role, r -> new float[][]{new float[grad.length], new float[grad.length]});
            float wt = (float) weight, inv = 1f / samples;
            for (int i = 0; i < grad.length; i++) {
                s[0][i] += wt * grad[i];
                s[1][i] += grad[i] * grad[i] * inv;
            }
        }
    }
}
