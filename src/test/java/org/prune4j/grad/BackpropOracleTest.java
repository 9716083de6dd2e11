package org.prune4j.grad;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.TestData;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.SyntheticModel;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.Weight;
import org.prune4j.util.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exact gradients against independent oracles: PyTorch autograd on the same tensors and windows (stories260K:
 * GQA, tied output, interleaved RoPE; and a synthetic model with per-layer shapes, a layer without attention and one
 * without MLP, q/k/v/o/down biases, an untied output and half-split RoPE), and central finite differences.
 */
class BackpropOracleTest {
    /** Max |ours − torch| / max |torch| per tensor, float32 both sides (the issue asks 1e-4; about 5e-6 is reached). */
    static final double TOLERANCE = 2e-5;

    @TempDir Path tmp;

    static List<int[]> windows(Model m, int count, int length) throws Exception {
        int[] toks = m.tokenizer().encode(Files.readString(TestData.HEAD46));
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(java.util.Arrays.copyOfRange(toks, 1 + i * 97, 1 + i * 97 + length));
        return out;
    }

    @Test
    void storiesGradientsMatchTorch() throws Exception {
        try (Model m = TestData.stories()) {
            check(m, windows(m, 4, 64), 2);
        }
    }

    @Test
    void perLayerShapesBiasesUntiedAndHalfRopeMatchTorch() throws Exception {
        ModelConfig c = new ModelConfig("qwen2", 64, 300, 1e-6f, 10000f, null, RopeStyle.HALF, false, 256, List.of(
                new LayerShape(4, 2, 16, 96, true, true, true),
                new LayerShape(2, 1, 16, 40, true, true, true),
                new LayerShape(0, 0, 16, 64, false, false, false),
                new LayerShape(3, 3, 16, 0, false, false, false)));
        Model m = SyntheticModel.create(c, 7, DType.F32);
        java.util.Random r = new java.util.Random(3);
        List<int[]> w = new ArrayList<>();
        for (int i = 0; i < 3; i++) w.add(r.ints(40 + 8 * i, 0, 300).toArray());
        check(m, w, 1);
    }

    private void check(Model m, List<int[]> windows, int threads) throws Exception {
        GradientOracle.Result torch = GradientOracle.run(m, windows, tmp);
        GradientOracle.Keep ours = new GradientOracle.Keep();
        Backprop.Loss loss;
        try (Parallel par = new Parallel(threads)) {
            loss = new Backprop(m, par).run(windows, ours, ProgressListener.NONE);
        }
        assertThat(loss.mean()).isCloseTo(torch.loss(), org.assertj.core.data.Offset.offset(1e-5 * Math.abs(torch.loss())));
        assertThat(ours.grads.keySet()).containsExactlyInAnyOrderElementsOf(torch.gradients().keySet());
        double worst = 0;
        for (Map.Entry<String, float[]> e : torch.gradients().entrySet()) {
            double err = TestData.relError(e.getValue(), ours.grads.get(e.getKey()));
            System.out.printf("grad %-28s rel.err %.2e%n", e.getKey(), err);
            assertThat(err).as(e.getKey()).isLessThanOrEqualTo(TOLERANCE);
            worst = Math.max(worst, err);
        }
        System.out.printf("loss ours %.7f torch %.7f, worst tensor rel.err %.2e over %d tensors%n", loss.mean(), torch.loss(), worst, torch.gradients().size());
    }

    /** (L(w + h) − L(w − h)) / 2h on the largest-gradient coordinates of three tensors, against the backprop value. */
    @Test
    void centralFiniteDifferencesAgree() throws Exception {
        try (Model m = TestData.stories(); Parallel par = new Parallel(2)) {
            List<int[]> w = windows(m, 2, 48);
            GradientOracle.Keep g = new GradientOracle.Keep();
            new Backprop(m, par).run(w, g, ProgressListener.NONE);
            for (TensorRole role : List.of(TensorRole.Q, TensorRole.DOWN, TensorRole.GATE)) {
                int layer = role == TensorRole.Q ? 0 : m.config().layerCount() - 1;
                float[] grad = g.grads.get(role.ggufName(layer));
                int at = 0;
                for (int i = 1; i < grad.length; i++) if (Math.abs(grad[i]) > Math.abs(grad[at])) at = i;
                double h = 1e-2, fd = (loss(m, layer, role, at, h, w, par) - loss(m, layer, role, at, -h, w, par)) / (2 * h);
                System.out.printf("finite difference %s[%d] of layer %d: backprop %.6e, central %.6e%n", role, at, layer, grad[at], fd);
                assertThat(fd).isCloseTo(grad[at], org.assertj.core.data.Offset.offset(0.02 * Math.abs(grad[at])));
            }
        }
    }

    private static double loss(Model m, int layer, TensorRole role, int index, double h, List<int[]> w, Parallel par) {
        LayerWeights lw = m.weights().layers().get(layer);
        Weight base = lw.weight(role);
        float[] v = base.toFloats();
        v[index] += (float) h;
        Model changed = m.withWeights(m.weights().withLayer(layer, lw.with(role, Matrix.ofFloats(v, base.rows(), base.cols()))));
        return new Backprop(changed, par).loss(w).mean();
    }
}
