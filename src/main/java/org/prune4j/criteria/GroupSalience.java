package org.prune4j.criteria;

import org.prune4j.grad.GradientSink;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.Weight;

import java.util.Set;

/**
 * Sums element saliences s_ij = W_ij · G_ij · a_j (G a gradient, exact or estimated; a_j an optional activation
 * statistic of input j) into the coupled structures of LLM-Pruner's dependency groups, one matrix at a time, so no
 * salience matrix outlives its reduction:
 * <ul>
 *   <li>a query head: its q rows and its o columns;</li>
 *   <li>a KV group's k and v rows: shared equally by the group's G query heads (so a KV group's score, the sum of
 *       its heads', contains them exactly once; with MHA, G = 1, this is LLM-Pruner's head group);</li>
 *   <li>an MLP channel: its gate and up rows and its down column.</li>
 * </ul>
 * Per structure, {@link Reduction#SUM_OF_ABS} sums |s| (LLM-Pruner's element-wise {@code param_*} and MINI-LLM's
 * e_ij) and {@link Reduction#ABS_OF_SUM} takes |Σ s| per matrix row or column, then sums over the group's matrices
 * (LLM-Pruner's {@code vectorize}).
 */
public final class GroupSalience implements GradientSink {
    public enum Reduction { SUM_OF_ABS, ABS_OF_SUM }

    /** What multiplies W ⊙ G: nothing (Taylor) or one statistic per input feature of the role's matrix. */
    public interface InputScale {
        double[] of(int layer, TensorRole role);
    }

    private final ModelConfig c;
    private final java.util.List<org.prune4j.model.LayerWeights> weights;
    private final Reduction reduction;
    private final InputScale scale;
    private final Set<Integer> layers;
    private final Scores scores;

    /**
     * @param layers the layers to score (others keep zero scores and their gradients are dropped)
     * @param scale  null for plain W ⊙ G
     */
    public GroupSalience(String name, ModelConfig c, java.util.List<org.prune4j.model.LayerWeights> weights, Reduction reduction,
                         InputScale scale, Set<Integer> layers) {
        this.c = c;
        this.weights = weights;
        this.reduction = reduction;
        this.scale = scale;
        this.layers = layers;
        this.scores = Scores.empty(name, c);
    }

    public Scores scores() { return scores; }

    @Override
    public void accept(int layer, TensorRole role, float[] grad) {
        if (layer < 0 || !role.matrix || !layers.contains(layer)) return;
        Weight w = weights.get(layer).weight(role);
        accept(layer, role, w, grad);
    }

    /** Fills row r of a gradient (exact or estimated) on demand, so no gradient matrix has to exist whole. */
    @FunctionalInterface
    public interface GradientRows {
        void fill(int row, float[] out);
    }

    /** Adds one matrix's saliences W ⊙ G (⊙ scale) to its structures. */
    public void accept(int layer, TensorRole role, Weight w, float[] g) {
        int cols = w.cols();
        accept(layer, role, w, (r, out) -> System.arraycopy(g, r * cols, out, 0, cols));
    }

    /** As {@link #accept(int, TensorRole, Weight, float[])} with G produced row by row. */
    public void accept(int layer, TensorRole role, Weight w, GradientRows g) {
        int rows = w.rows(), cols = w.cols();
        double[] a = scale == null ? null : scale.of(layer, role);
        boolean byRow = switch (role.axis) {
            case ROWS_BY_HEAD, ROWS_BY_KV_GROUP, ROWS_BY_CHANNEL -> true;
            case COLUMNS_BY_HEAD, COLUMNS_BY_CHANNEL -> false;
            default -> throw new IllegalArgumentException(role + " belongs to no prunable structure");
        };
        double[] per = new double[byRow ? rows : cols];
        float[] row = new float[cols], gr = new float[cols];
        for (int i = 0; i < rows; i++) {
            w.readRows(i, 1, row, 0);
            g.fill(i, gr);
            if (byRow) {
                double acc = 0;
                for (int j = 0; j < cols; j++) {
                    double s = (double) row[j] * gr[j] * (a == null ? 1 : a[j]);
                    acc += reduction == Reduction.SUM_OF_ABS ? Math.abs(s) : s;
                }
                per[i] = reduction == Reduction.SUM_OF_ABS ? acc : Math.abs(acc);
            } else {
                for (int j = 0; j < cols; j++) {
                    double s = (double) row[j] * gr[j] * (a == null ? 1 : a[j]);
                    per[j] += reduction == Reduction.SUM_OF_ABS ? Math.abs(s) : s;
                }
            }
        }
        if (!byRow && reduction == Reduction.ABS_OF_SUM) for (int j = 0; j < per.length; j++) per[j] = Math.abs(per[j]);
        add(layer, role, per);
    }

    /** Adds per-row (or per-column) values of a role's matrix to the structures they belong to. */
    void add(int layer, TensorRole role, double[] per) {
        LayerShape s = c.layer(layer);
        double[] heads = scores.heads()[layer], channels = scores.channels()[layer];
        switch (role.axis) {
            case ROWS_BY_HEAD, COLUMNS_BY_HEAD -> {
                for (int i = 0; i < per.length; i++) heads[i / s.headDim()] += per[i];
            }
            case ROWS_BY_KV_GROUP -> {
                int group = s.groupSize();
                for (int i = 0; i < per.length; i++) {
                    int g = i / s.headDim();
                    for (int h = g * group; h < (g + 1) * group; h++) heads[h] += per[i] / group;
                }
            }
            case ROWS_BY_CHANNEL, COLUMNS_BY_CHANNEL -> {
                for (int i = 0; i < per.length; i++) channels[i] += per[i];
            }
            default -> throw new IllegalArgumentException(role + " belongs to no prunable structure");
        }
    }
}
