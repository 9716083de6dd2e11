package org.prune4j.surgery;

import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.ModelWeights;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.tensor.Matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a plan out of a model's weights. A query head takes its q rows (+ q bias) and o columns; a KV group its
 * k/v rows (+ biases); an MLP channel its gate and up rows and down column. With bias compensation, the removed
 * inputs of o_proj/down_proj are replaced by their calibration means: W[:, removed] · mean is added to the output
 * bias, so the layer's output is unchanged in expectation (FLAP).
 */
public final class Surgery {
    private Surgery() {}

    /** Calibration means of the o_proj input ([heads·hd] per layer) and down_proj input ([ffn] per layer). */
    public record InputMeans(double[][] oInput, double[][] downInput) {}

    public static Model apply(Model model, PruningPlan plan, InputMeans means) {
        ModelConfig c = model.config();
        ModelConfig pruned = plan.apply(c);
        if (plan.biasCompensation() && means == null) throw new IllegalArgumentException("bias compensation needs calibration means");
        List<LayerWeights> out = new ArrayList<>();
        for (int l = 0; l < c.layerCount(); l++) {
            LayerPlan p = plan.layers().get(l);
            if (p.removed()) continue;
            LayerShape s = c.layer(l);
            LayerWeights w = model.weights().layers().get(l);
            int d = c.hidden(), hd = s.headDim();
            Matrix wq = null, wk = null, wv = null, wo = null;
            float[] bq = null, bk = null, bv = null, bo = null;
            if (p.keepsAttention()) {
                int[] qUnits = Slicing.headUnits(p.keptHeads(), hd), kvUnits = Slicing.headUnits(p.keptKvGroups(), hd);
                wq = Slicing.rows(w.wq(), qUnits);
                wk = Slicing.rows(w.wk(), kvUnits);
                wv = Slicing.rows(w.wv(), kvUnits);
                wo = Slicing.columns(w.wo(), qUnits);
                bq = Slicing.select(w.bq(), qUnits);
                bk = Slicing.select(w.bk(), kvUnits);
                bv = Slicing.select(w.bv(), kvUnits);
                bo = outputBias(w.bo(), d, plan.biasCompensation(), w.wo(), Slicing.complement(qUnits, s.qDim()), means == null ? null : means.oInput()[l]);
            }
            Matrix gate = null, up = null, down = null;
            float[] bDown = null;
            if (p.keepsMlp()) {
                gate = Slicing.rows(w.wGate(), p.keptChannels());
                up = Slicing.rows(w.wUp(), p.keptChannels());
                down = Slicing.columns(w.wDown(), p.keptChannels());
                bDown = outputBias(w.bDown(), d, plan.biasCompensation(), w.wDown(), Slicing.complement(p.keptChannels(), s.ffnDim()),
                        means == null ? null : means.downInput()[l]);
            }
            out.add(new LayerWeights(p.keepsAttention() ? w.attnNorm() : null, wq, wk, wv, wo, bq, bk, bv, bo,
                    p.keepsMlp() ? w.ffnNorm() : null, gate, up, down, bDown));
        }
        ModelWeights mw = new ModelWeights(model.weights().embedding(), out, model.weights().finalNorm(), model.weights().output());
        return new Model(pruned, mw, model.tokenizer(), null, "pruned model");
    }

    /** Existing bias (or none), plus W[:, removed] · mean when compensating. */
    private static float[] outputBias(float[] bias, int d, boolean compensate, Matrix w, int[] removed, double[] mean) {
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
