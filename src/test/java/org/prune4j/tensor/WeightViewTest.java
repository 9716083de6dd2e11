package org.prune4j.tensor;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.Transformer;
import org.prune4j.kernel.Gemm;
import org.prune4j.kernel.Parallel;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.model.TensorRole;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** Perturbed and low-rank views: values, order independence, GEMM and engine paths, the stored bytes untouched. */
class WeightViewTest {
    private static Matrix random(int r, int c, long seed, DType dt) {
        Random rnd = new Random(seed);
        float[] v = new float[r * c];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        return Matrix.encode(v, r, c, dt);
    }

    @Test
    void counterNoiseHasTheRightMomentsAndIsAPureFunction() {
        long key = CounterNoise.key(3, 1, 2, 5);
        double sum = 0, sq = 0, quart = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double z = CounterNoise.gaussian(key, i);
            sum += z;
            sq += z * z;
            quart += z * z * z * z;
        }
        assertThat(sum / n).isCloseTo(0, offset(0.01));
        assertThat(sq / n).isCloseTo(1, offset(0.02));
        assertThat(quart / n).isCloseTo(3, offset(0.1)); // Gaussian kurtosis
        assertThat(CounterNoise.gaussian(key, 77)).isEqualTo(CounterNoise.gaussian(CounterNoise.key(3, 1, 2, 5), 77));
        assertThat(CounterNoise.key(3, 1, 2, 5)).isNotEqualTo(CounterNoise.key(3, 1, 2, 6)).isNotEqualTo(CounterNoise.key(4, 1, 2, 5));
        for (int i = 0; i < 100; i++) assertThat(Math.abs(CounterNoise.rademacher(key, i))).isEqualTo(1.0);
    }

    @Test
    void perturbedViewIsBasePlusEpsilonTimesRegeneratedNoise() {
        for (DType dt : new DType[]{DType.F32, DType.BF16}) {
            Matrix w = random(37, 24, 1, dt);
            byte[] before = w.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            PerturbedWeight plus = new PerturbedWeight(w, 9, 2, TensorRole.UP.ordinal(), 1e-3, CounterNoise.Distribution.GAUSSIAN);
            float[] all = plus.toFloats();
            for (int r = 0; r < 37; r++) {
                long key = CounterNoise.key(9, 2, TensorRole.UP.ordinal(), r);
                for (int c = 0; c < 24; c++) assertThat(all[r * 24 + c]).isEqualTo(w.get(r, c) + (float) (1e-3 * CounterNoise.gaussian(key, c)));
            }
            // Any order, any block size: the same values (rows read backwards one at a time).
            for (int r = 36; r >= 0; r--) assertThat(plus.row(r)).containsExactly(java.util.Arrays.copyOfRange(all, r * 24, r * 24 + 24));
            // The stored bytes never change; dropping the view restores exactly.
            assertThat(w.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(before);
            PerturbedWeight minus = new PerturbedWeight(w, 9, 2, TensorRole.UP.ordinal(), -1e-3, CounterNoise.Distribution.GAUSSIAN);
            float[] m = minus.toFloats();
            for (int i = 0; i < all.length; i++) assertThat((all[i] + m[i]) / 2).isCloseTo(w.get(i / 24, i % 24), offset(1e-6f));
        }
        assertThatThrownBy(() -> new PerturbedWeight(random(2, 2, 1, DType.F32), 0, 0, 0, Double.NaN, CounterNoise.Distribution.GAUSSIAN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lowRankViewAddsScaledBTimesA() {
        Matrix w = random(6, 5, 2, DType.F32);
        float[] b = new float[6 * 2], a = new float[2 * 5];
        Random rnd = new Random(3);
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        LowRankWeight v = new LowRankWeight(w, b, a, 2, 0.5f);
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 5; c++) {
                double want = w.get(r, c) + 0.5 * (b[r * 2] * a[c] + b[r * 2 + 1] * a[5 + c]);
                assertThat((double) v.row(r)[c]).isCloseTo(want, offset(1e-5));
            }
        }
    }

    @Test
    void gemmAndTheEngineRunViewsAsTheirMaterialisedMatrices() {
        Matrix w = random(40, 64, 4, DType.BF16);
        PerturbedWeight p = new PerturbedWeight(w, 1, 0, 0, 0.01, CounterNoise.Distribution.RADEMACHER);
        float[] x = new float[3 * 64];
        Random rnd = new Random(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        try (Parallel par = new Parallel(2)) {
            for (int n : new int[]{1, 3}) { // decode (streaming) and prefill (block) paths
                float[] yView = new float[n * 40], yMat = new float[n * 40];
                Gemm.multiply(x, n, p, yView, par);
                Gemm.multiply(x, n, p.materialize(), yMat, par);
                for (int i = 0; i < yView.length; i++) assertThat(yView[i]).isCloseTo(yMat[i], offset(1e-4f));
            }
        }
        try (Model m = SyntheticModel.create(TestData.ragged(), 6, DType.F32)) {
            int[] toks = {1, 5, 9, 40, 41, 42};
            float[] dense = TestData.logits(m, toks);
            LayerWeights l1 = m.weights().layers().get(1);
            PerturbedWeight view = new PerturbedWeight(l1.wDown().base(), 2, 1, TensorRole.DOWN.ordinal(), 0.05, CounterNoise.Distribution.GAUSSIAN);
            Model viewed = m.withWeights(m.weights().withLayer(1, l1.with(TensorRole.DOWN, view)));
            Model stored = m.withWeights(m.weights().withLayer(1, l1.with(TensorRole.DOWN, view.materialize())));
            float[] a = TestData.logits(viewed, toks), b = TestData.logits(stored, toks);
            assertThat(TestData.relError(b, a)).isLessThan(1e-6);
            assertThat(TestData.relError(dense, a)).isGreaterThan(1e-4);
            assertThat(TestData.logits(m, toks)).containsExactly(dense); // the original model is unchanged
            try (Transformer tf = new Transformer(m, 1)) {
                assertThat(tf.model().weights().layers().get(1).wDown()).isInstanceOf(Matrix.class);
            }
        }
    }

    @Test
    void generatedWeightsKeepTheirDtypeThroughARowPermutation() {
        GeneratedWeight g = new GeneratedWeight(8, 16, DType.BF16, 5, 0.5f);
        int[] order = {7, 6, 5, 4, 3, 2, 1, 0};
        Weight p = SelectedWeight.rowsOf(g, order);
        assertThat(p).isInstanceOf(GeneratedWeight.class);
        assertThat(p.dtype()).isEqualTo(DType.BF16); // written as BF16, not materialised as F32
        assertThat(TensorStreams.storedDtype(p, null)).isEqualTo(DType.BF16);
        for (int r = 0; r < 8; r++) assertThat(p.row(r)).containsExactly(g.row(order[r]));
        assertThat(SelectedWeight.rowsOf(p, order).row(3)).containsExactly(g.row(3));
    }
}
