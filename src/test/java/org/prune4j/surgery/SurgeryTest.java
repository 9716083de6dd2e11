package org.prune4j.surgery;

import org.prune4j.TestData;
import org.prune4j.calib.ActivationStats;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.util.ProgressListener;
import org.prune4j.engine.TapPoint;
import org.prune4j.engine.Transformer;
import org.prune4j.io.GgufModelWriter;
import org.prune4j.io.HfWriter;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.tensor.DType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Surgery against its definition: cutting a structure out equals zeroing its contribution in the dense model. */
class SurgeryTest {
    private static final int[] PROBE = {1, 270, 271, 300, 301, 302, 290, 12, 44, 260, 305, 306};

    private static Model dense() {
        return SyntheticModel.create(TestData.ragged(), 31, DType.F32);
    }

    /** The plan that keeps everything except what {@code edit} changes in one layer. */
    private static PruningPlan plan(Model m, int layer, LayerPlan replacement, boolean bias) {
        List<LayerPlan> l = new ArrayList<>(PruningPlan.keepAll(m.config()).layers());
        l.set(layer, replacement);
        return new PruningPlan(l, bias);
    }

    private static float[] masked(Model m, int layer, TapPoint point, int[] zeroCols) {
        try (Transformer tf = new Transformer(m, 1)) {
            tf.taps().add(point, (l, p, data, rows, width, layout) -> {
                if (l != layer) return;
                for (int r = 0; r < rows; r++) {
                    if (zeroCols == null) java.util.Arrays.fill(data, r * width, (r + 1) * width, 0f);
                    else for (int c : zeroCols) data[r * width + c] = 0f;
                }
            });
            return TestData.logits(tf, PROBE);
        }
    }

    @Test
    void keepEverythingReproducesTheLogits() {
        try (Model m = dense(); Model same = Surgery.apply(m, PruningPlan.keepAll(m.config()), null)) {
            assertThat(same.config()).isEqualTo(m.config());
            assertThat(TestData.relError(TestData.logits(m, PROBE), TestData.logits(same, PROBE))).isLessThan(1e-6);
        }
    }

    @Test
    void removingAQueryHeadEqualsMaskingIt() {
        try (Model m = dense()) {
            // layer 0: 8 heads over 4 KV groups (2 per group); keep one head in each group
            LayerPlan p = new LayerPlan(new int[]{0, 3, 5, 6}, new int[]{0, 1, 2, 3}, java.util.stream.IntStream.range(0, 96).toArray());
            try (Model cut = Surgery.apply(m, plan(m, 0, p, false), null)) {
                int[] removed = Slicing.headUnits(new int[]{1, 2, 4, 7}, 16);
                assertThat(TestData.relError(masked(m, 0, TapPoint.ATTN_HEADS, removed), TestData.logits(cut, PROBE))).isLessThan(1e-5);
                assertThat(cut.config().layer(0).heads()).isEqualTo(4);
                assertThat(cut.config().layer(0).kvHeads()).isEqualTo(4);
            }
        }
    }

    @Test
    void removingKvGroupsEqualsMaskingAllTheirHeads() {
        try (Model m = dense()) {
            // layer 1: 6 heads, 3 groups of 2; drop group 1 (heads 2, 3)
            LayerPlan p = new LayerPlan(new int[]{0, 1, 4, 5}, new int[]{0, 2}, java.util.stream.IntStream.range(0, 64).toArray());
            try (Model cut = Surgery.apply(m, plan(m, 1, p, false), null)) {
                assertThat(TestData.relError(masked(m, 1, TapPoint.ATTN_HEADS, Slicing.headUnits(new int[]{2, 3}, 16)),
                        TestData.logits(cut, PROBE))).isLessThan(1e-5);
                assertThat(cut.config().layer(1).kvDim()).isEqualTo(32);
            }
        }
    }

    @Test
    void removingChannelsEqualsMaskingThem() {
        try (Model m = dense()) {
            int[] keep = java.util.stream.IntStream.range(0, 128).filter(j -> j % 3 != 0).toArray();
            LayerPlan p = new LayerPlan(java.util.stream.IntStream.range(0, 4).toArray(), new int[]{0, 1}, keep);
            try (Model cut = Surgery.apply(m, plan(m, 2, p, false), null)) {
                assertThat(TestData.relError(masked(m, 2, TapPoint.MLP_HIDDEN, Slicing.complement(keep, 128)),
                        TestData.logits(cut, PROBE))).isLessThan(1e-5);
            }
        }
    }

    @Test
    void removingSubBlocksAndLayersEqualsZeroingTheirOutput() {
        try (Model m = dense()) {
            LayerPlan noAttention = new LayerPlan(new int[0], new int[0], java.util.stream.IntStream.range(0, 64).toArray());
            try (Model cut = Surgery.apply(m, plan(m, 1, noAttention, false), null)) {
                assertThat(cut.config().layer(1).hasAttention()).isFalse();
                assertThat(TestData.relError(masked(m, 1, TapPoint.ATTN_OUTPUT, null), TestData.logits(cut, PROBE))).isLessThan(1e-5);
            }
            LayerPlan noMlp = new LayerPlan(java.util.stream.IntStream.range(0, 4).toArray(), new int[]{0, 1}, new int[0]);
            try (Model cut = Surgery.apply(m, plan(m, 2, noMlp, false), null)) {
                assertThat(TestData.relError(masked(m, 2, TapPoint.MLP_OUTPUT, null), TestData.logits(cut, PROBE))).isLessThan(1e-5);
            }
            LayerPlan gone = new LayerPlan(new int[0], new int[0], new int[0]);
            try (Model cut = Surgery.apply(m, plan(m, 3, gone, false), null); Transformer tf = new Transformer(m, 1)) {
                assertThat(cut.config().layerCount()).isEqualTo(3);
                tf.taps().add(TapPoint.ATTN_OUTPUT, (l, p, d, rows, w, lay) -> { if (l == 3) java.util.Arrays.fill(d, 0, rows * w, 0f); });
                tf.taps().add(TapPoint.MLP_OUTPUT, (l, p, d, rows, w, lay) -> { if (l == 3) java.util.Arrays.fill(d, 0, rows * w, 0f); });
                assertThat(TestData.relError(TestData.logits(tf, PROBE), TestData.logits(cut, PROBE))).isLessThan(1e-5);
            }
        }
    }

    @Test
    void biasCompensationEqualsReplacingRemovedInputsByTheirMean() {
        try (Model m = dense(); Transformer tf = new Transformer(m, 1)) {
            List<int[]> calib = List.of(new int[]{1, 280, 281, 282, 283, 284, 285, 286}, new int[]{1, 290, 291, 292, 293, 294});
            ActivationStats stats = (ActivationStats) new CalibrationRunner(1024, ProgressListener.NONE)
                    .run(tf, calib, List.of(new ActivationStats(m.config()))).get(0);
            int n = m.config().layerCount();
            double[][] o = new double[n][], dm = new double[n][];
            for (int l = 0; l < n; l++) {
                o[l] = stats.mean(stats.oSum[l]);
                dm[l] = stats.mean(stats.downSum[l]);
            }
            int[] keepCh = java.util.stream.IntStream.range(0, 64).filter(j -> j % 4 != 1).toArray();
            LayerPlan p = new LayerPlan(new int[]{0, 1, 4, 5}, new int[]{0, 2}, keepCh);
            int[] removedHeads = Slicing.headUnits(new int[]{2, 3}, 16), removedCh = Slicing.complement(keepCh, 64);
            try (Model cut = Surgery.apply(m, plan(m, 1, p, true), new Surgery.InputMeans(o, dm))) {
                tf.taps().add(TapPoint.ATTN_HEADS, (l, pt, d, rows, w, lay) -> {
                    if (l == 1) for (int r = 0; r < rows; r++) for (int c : removedHeads) d[r * w + c] = (float) o[1][c];
                });
                tf.taps().add(TapPoint.MLP_HIDDEN, (l, pt, d, rows, w, lay) -> {
                    if (l == 1) for (int r = 0; r < rows; r++) for (int c : removedCh) d[r * w + c] = (float) dm[1][c];
                });
                assertThat(cut.config().layer(1).oBias()).isTrue();
                assertThat(TestData.relError(TestData.logits(tf, PROBE), TestData.logits(cut, PROBE))).isLessThan(1e-5);
            }
        }
    }

    @Test
    void exportsReadBackWithTheInMemoryLogits() {
        Path dir = TestData.tempDir();
        try (Model m = dense()) {
            int[] keepCh = java.util.stream.IntStream.range(0, 96).filter(j -> j % 5 != 0).toArray();
            LayerPlan p = new LayerPlan(new int[]{0, 2, 4, 6}, new int[]{0, 1, 2, 3}, keepCh);
            try (Model cut = Surgery.apply(m, plan(m, 0, p, false), null)) {
                float[] want = TestData.logits(cut, PROBE);
                GgufModelWriter.write(cut, dir.resolve("cut.gguf"), null, false);
                HfWriter.write(cut, dir.resolve("cut-hf"), null, 0, false);
                try (Model g = ModelLoader.load(dir.resolve("cut.gguf"), null); Model h = ModelLoader.load(dir.resolve("cut-hf"), null)) {
                    assertThat(g.config().architecture()).isEqualTo("deci");
                    assertThat(TestData.relError(want, TestData.logits(g, PROBE))).isLessThan(1e-6);
                    assertThat(TestData.relError(want, TestData.logits(h, PROBE))).isLessThan(1e-5);
                }
            }
        }
    }
}
