package org.prune4j.calib;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.TapPoint;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The calibration runner: statistics equal a brute-force tap sum; pass states merge to identical results. */
class CalibrationRunnerTest {
    static List<int[]> windows(int n, int len, long seed) {
        Random rnd = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] w = new int[len];
            w[0] = 1;
            for (int j = 1; j < len; j++) w[j] = 3 + rnd.nextInt(300);
            out.add(w);
        }
        return out;
    }

    @Test
    void momentsEqualABruteForceSumOverTaps() {
        try (Model m = SyntheticModel.create(TestData.ragged(), 3, DType.F32); Transformer tf = new Transformer(m, 2)) {
            List<int[]> w = windows(6, 17, 1);
            ActivationStats s = (ActivationStats) new CalibrationRunner(40, ProgressListener.NONE).run(tf, w, List.of(new ActivationStats(m.config()))).get(0);
            // Brute force: every window alone, every MLP_HIDDEN value of layer 2 summed in double.
            double[] sum = new double[m.config().layer(2).ffnDim()];
            long tokens = 0;
            for (int[] win : w) {
                try (Transformer one = new Transformer(m, 1)) {
                    one.taps().add(TapPoint.MLP_HIDDEN, (l, p, d, rows, width, lay) -> {
                        if (l == 2) for (int r = 0; r < rows; r++) for (int j = 0; j < width; j++) sum[j] += d[r * width + j];
                    });
                    TestData.logits(one, win);
                }
                tokens += win.length;
            }
            assertThat(s.tokens).isEqualTo(tokens);
            for (int j = 0; j < sum.length; j++) assertThat(s.downSum[2][j]).isCloseTo(sum[j], offset(1e-4 * (1 + Math.abs(sum[j]))));
        }
    }

    @Test
    void passStatesFoldedInWindowOrderAreIdenticalToOneRunForAnyThreadCount() {
        try (Model m = SyntheticModel.create(TestData.ragged(), 3, DType.F32)) {
            List<int[]> w = windows(9, 20, 2);
            CalibrationRunner runner = new CalibrationRunner(60, ProgressListener.NONE);
            List<Collector> kinds = List.of(new ActivationStats(m.config()), new LayerSimilarity(m.config().layerCount()));
            List<Collector> one, two;
            try (Transformer tf = new Transformer(m, 1)) {
                one = runner.run(tf, w, kinds);
            }
            // As a distributed run would: each pass computed on its own (here by a 2-thread engine), then folded.
            List<Collector> folded = new ArrayList<>(List.of(kinds.get(0).fresh(), kinds.get(1).fresh()));
            try (Transformer tf = new Transformer(m, 2)) {
                List<int[]> passes = runner.passes(w);
                assertThat(passes).hasSizeGreaterThan(2);
                List<List<Collector>> parts = new ArrayList<>();
                for (int i = passes.size() - 1; i >= 0; i--) parts.add(0, runner.runPass(tf, w.subList(passes.get(i)[0], passes.get(i)[1]), kinds));
                for (List<Collector> p : parts) for (int i = 0; i < 2; i++) folded.get(i).merge(p.get(i));
                two = runner.run(tf, w, kinds);
            }
            ActivationStats a = (ActivationStats) one.get(0), b = (ActivationStats) folded.get(0), c = (ActivationStats) two.get(0);
            for (int l = 0; l < m.config().layerCount(); l++) {
                assertThat(b.oSumSq[l]).containsExactly(a.oSumSq[l]);
                assertThat(b.downSum[l]).containsExactly(a.downSum[l]);
                assertThat(c.downSumSq[l]).containsExactly(a.downSumSq[l]);
            }
            assertThat(((LayerSimilarity) folded.get(1)).meanCosine()).containsExactly(((LayerSimilarity) one.get(1)).meanCosine());
        }
    }
}
