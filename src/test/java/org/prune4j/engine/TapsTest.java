package org.prune4j.engine;

import org.prune4j.TestData;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.TensorRole;
import org.prune4j.model.Model;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Activation taps: shapes seen by listeners, zero effect when only observing, exact effect when replacing. */
class TapsTest {

    @Test
    void everyPointFiresOncePerLayerWithItsWidth() throws Exception {
        try (Model m = SyntheticModel.create(TestData.ragged(), 1, DType.F32); Transformer tf = new Transformer(m, 2)) {
            int[] toks = {1, 270, 271, 272, 273};
            float[] before = TestData.logits(tf, toks);
            Map<TapPoint, List<Integer>> widths = new EnumMap<>(TapPoint.class);
            List<AutoCloseable> handles = new ArrayList<>();
            for (TapPoint p : TapPoint.values()) {
                handles.add(tf.taps().add(p, (layer, point, data, rows, width, layout) -> {
                    assertThat(rows).isEqualTo(toks.length);
                    assertThat(layout.position()).containsExactly(0, 1, 2, 3, 4);
                    assertThat(data.length).isGreaterThanOrEqualTo(rows * width);
                    widths.computeIfAbsent(point, k -> new ArrayList<>()).add(width);
                }));
            }
            float[] observed = TestData.logits(tf, toks);
            assertThat(TestData.relError(before, observed)).isLessThan(1e-6);
            assertThat(widths.get(TapPoint.ATTN_HEADS)).containsExactly(128, 96, 64, 32);
            assertThat(widths.get(TapPoint.K)).containsExactly(64, 48, 32, 16);
            assertThat(widths.get(TapPoint.MLP_HIDDEN)).containsExactly(96, 64, 128, 32);
            assertThat(widths.get(TapPoint.LAYER_OUTPUT)).containsExactly(64, 64, 64, 64);
            for (AutoCloseable h : handles) h.close();
            assertThat(TapPoint.values()).allSatisfy(p -> assertThat(tf.taps().active(p)).isFalse());
        }
    }

    @Test
    void zeroingMlpChannelsEqualsZeroingTheirDownColumns() {
        try (Model m = SyntheticModel.create(TestData.ragged(), 2, DType.F32); Transformer tf = new Transformer(m, 1)) {
            int[] toks = {1, 290, 291, 292};
            int layer = 2, ch1 = 5, ch2 = 77;
            tf.taps().add(TapPoint.MLP_HIDDEN, (l, p, data, rows, width, layout) -> {
                if (l != layer) return;
                for (int r = 0; r < rows; r++) {
                    data[r * width + ch1] = 0;
                    data[r * width + ch2] = 0;
                }
            });
            float[] masked = TestData.logits(tf, toks);
            // Independent route: the same channels removed from the weights themselves.
            LayerWeights w = m.weights().layers().get(layer);
            float[] down = w.wDown().toFloats();
            int cols = w.wDown().cols();
            for (int r = 0; r < w.wDown().rows(); r++) {
                down[r * cols + ch1] = 0;
                down[r * cols + ch2] = 0;
            }
            List<LayerWeights> layers = new ArrayList<>(m.weights().layers());
            layers.set(layer, w.with(TensorRole.DOWN, Matrix.ofFloats(down, w.wDown().rows(), cols)));
            ModelWeights mw = new ModelWeights(m.weights().embedding(), layers, m.weights().finalNorm(), m.weights().output());
            try (Model edited = new Model(m.config(), mw, m.tokenizer(), null, "edited")) {
                assertThat(TestData.relError(TestData.logits(edited, toks), masked)).isLessThan(1e-6);
                assertThat(TestData.relError(TestData.logits(m, toks), masked)).isGreaterThan(1e-4);
            }
        }
    }
}
