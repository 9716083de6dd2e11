package org.prune4j.calib;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.TapPoint;
import org.prune4j.engine.Transformer;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sketch equals Xᵀ·X·Ω computed from the full activation matrix, and merges by addition. */
class RangeSketchTest {
    @Test
    void sketchEqualsGramTimesOmega() {
        try (Model m = SyntheticModel.create(TestData.ragged(), 8, DType.F32); Transformer tf = new Transformer(m, 1)) {
            int[] width = m.config().layers().stream().mapToInt(s -> s.ffnDim()).toArray();
            List<int[]> w = CalibrationRunnerTest.windows(4, 12, 3);
            RangeSketch s = (RangeSketch) new CalibrationRunner(20, ProgressListener.NONE).run(tf, w, List.of(new RangeSketch(TapPoint.MLP_HIDDEN, width, 5, 11))).get(0);
            // Full activation matrix X of layer 2 [tokens × width], then Xᵀ X Ω directly.
            List<float[]> rows = new ArrayList<>();
            try (Transformer one = new Transformer(m, 1)) {
                one.taps().add(TapPoint.MLP_HIDDEN, (l, p, d, n, wd, lay) -> {
                    if (l == 2) for (int r = 0; r < n; r++) rows.add(java.util.Arrays.copyOfRange(d, r * wd, (r + 1) * wd));
                });
                for (int[] win : w) TestData.logits(one, win);
            }
            DenseMatrix x = DenseMatrix.zeros(rows.size(), width[2]);
            for (int r = 0; r < rows.size(); r++) for (int j = 0; j < width[2]; j++) x.set(r, j, rows.get(r)[j]);
            DenseMatrix want = x.transposeTimes(x.times(s.omega(2)));
            DenseMatrix got = s.sketch(2);
            double scale = 0;
            for (double v : want.data()) scale = Math.max(scale, Math.abs(v));
            assertThat(got.maxAbsDiff(want) / scale).isLessThan(1e-5);
            assertThat(s.tokens()).isEqualTo(48);
        }
    }
}
