package org.prune4j.surgery;

import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.TensorRole;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.tensor.Weight;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a plan out of a model's weights, tensor by tensor along each role's prune axis ({@link TensorRole.Axis}):
 * a query head takes its q rows (+ q bias) and o columns; a KV group its k/v rows (+ biases); an MLP channel its
 * gate and up rows and down column. With bias compensation, the removed inputs of o_proj/down_proj are replaced by
 * their calibration means: W[:, removed] · mean is added to the output bias, so the layer's output is unchanged in
 * expectation (FLAP).
 */
public final class Surgery {
    private Surgery() {}

    /** Calibration means of the o_proj input ([heads·hd] per layer) and down_proj input ([ffn] per layer). */
    public record InputMeans(double[][] oInput, double[][] downInput) implements java.io.Serializable {}

    /**
     * How a pruned model is rebuilt from its checkpoint file's model: what a distributed evaluation ships to the
     * executors, which map the same file and cut it the same way (the same bits as here).
     */
    public record Recipe(String file, PruningPlan plan, InputMeans means) implements java.io.Serializable {
        public Model applyTo(Model fileModel) {
            return apply(fileModel, plan, means);
        }
    }

    public static Model apply(Model model, PruningPlan plan, InputMeans means) {
        ModelConfig c = model.config();
        ModelConfig pruned = plan.apply(c);
        if (plan.biasCompensation() && means == null) throw new IllegalArgumentException("bias compensation needs calibration means");
        List<LayerWeights> out = new ArrayList<>();
        int kept = 0;
        for (int l = 0; l < c.layerCount(); l++) {
            LayerPlan p = plan.layers().get(l);
            if (p.removed()) continue;
            out.add(cutLayer(c.hidden(), c.layer(l), pruned.layer(kept++), model.weights().layers().get(l), p,
                    plan.biasCompensation(), means == null ? null : means.oInput()[l], means == null ? null : means.downInput()[l]));
        }
        ModelWeights mw = new ModelWeights(model.weights().embedding(), out, model.weights().finalNorm(), model.weights().output());
        // Only a cut of the file's own model can be rebuilt from the file (a model of views or already cut cannot).
        java.io.Serializable origin = model.origin() instanceof Model.FileOrigin f ? new Recipe(f.path(), plan, means) : null;
        return new Model(pruned, mw, model.tokenizer(), null, "pruned model", origin);
    }

    /**
     * One layer's cut: every tensor the pruned shape has, sliced along its role's axis.
     *
     * @param oMean    calibration mean of the o_proj input (null unless compensating)
     * @param downMean calibration mean of the down_proj input (null unless compensating)
     */
    public static LayerWeights cutLayer(int d, LayerShape s, LayerShape after, LayerWeights w, LayerPlan p,
                                        boolean compensate, double[] oMean, double[] downMean) {
        int hd = s.headDim();
        int[] qUnits = Slicing.headUnits(p.keptHeads(), hd), kvUnits = Slicing.headUnits(p.keptKvGroups(), hd);
        LayerWeights.Builder b = LayerWeights.builder();
        for (TensorRole r : TensorRole.LAYER_ROLES) {
            if (!r.presentIn(after)) continue;
            int[] keep = switch (r.axis) {
                case ROWS_BY_HEAD, COLUMNS_BY_HEAD -> qUnits;
                case ROWS_BY_KV_GROUP -> kvUnits;
                case ROWS_BY_CHANNEL, COLUMNS_BY_CHANNEL -> p.keptChannels();
                case NONE -> null;
            };
            Object value = switch (r.axis) {
                case ROWS_BY_HEAD, ROWS_BY_KV_GROUP, ROWS_BY_CHANNEL ->
                        r.matrix ? Slicing.rows(w.weight(r), keep) : Slicing.select(w.vector(r), keep);
                case COLUMNS_BY_HEAD, COLUMNS_BY_CHANNEL -> Slicing.columns(w.weight(r), keep);
                case NONE -> switch (r) {
                    case O_BIAS -> outputBias(w.bo(), d, compensate, w.wo(), Slicing.complement(qUnits, s.qDim()), oMean);
                    case DOWN_BIAS -> outputBias(w.bDown(), d, compensate, w.wDown(), Slicing.complement(p.keptChannels(), s.ffnDim()), downMean);
                    default -> w.get(r);
                };
            };
            b.put(r, value);
        }
        return b.build();
    }

    /** Existing bias (or none), plus W[:, removed] · mean when compensating; summed in index order (deterministic). */
    private static float[] outputBias(float[] bias, int d, boolean compensate, Weight w, int[] removed, double[] mean) {
        if (!compensate) return bias;
        double[] b = new double[d];
        if (bias != null) for (int i = 0; i < d; i++) b[i] = bias[i];
        float[] row = new float[w.cols()];
        for (int r = 0; r < d; r++) {
            w.readRows(r, 1, row, 0);
            for (int j : removed) b[r] += row[j] * mean[j];
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) out[i] = (float) b[i];
        return out;
    }
}
