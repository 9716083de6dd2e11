package org.prune4j.calib;

import org.prune4j.methods.transfer.ModuleSeries;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.TapPoint;
import org.prune4j.engine.Transformer;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.prune4j.util.ProgressListener;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** Module output series: each window's per-token module outputs, projected, in window order across passes. */
class ModuleSeriesTest {
    @Test
    void seriesAreTheProjectedModuleOutputsOfEachWindow() {
        try (Model m = SyntheticModel.create(TestData.ragged(), 9, DType.F32); Transformer tf = new Transformer(m, 1)) {
            int d = m.config().hidden(), modules = 2 * m.config().layerCount();
            Random rnd = new Random(2);
            DenseMatrix[] bases = new DenseMatrix[modules];
            double[][] means = new double[modules][d];
            for (int i = 0; i < modules; i++) {
                bases[i] = DenseMatrix.zeros(d, 3);
                for (int j = 0; j < bases[i].data().length; j++) bases[i].data()[j] = rnd.nextGaussian();
                for (int j = 0; j < d; j++) means[i][j] = 0.01 * j;
            }
            List<int[]> w = CalibrationRunnerTest.windows(5, 9, 4);
            // 20-row passes: windows split over three passes, merged in order.
            ModuleSeries s = (ModuleSeries) new CalibrationRunner(20, ProgressListener.NONE).run(tf, w, List.of(new ModuleSeries(bases, means))).get(0);
            assertThat(s.windows()).isEqualTo(5);
            int win = 3, layer = 2;
            float[][] out = new float[1][];
            try (Transformer one = new Transformer(m, 1)) {
                one.taps().add(TapPoint.MLP_OUTPUT, (l, p, data, rows, width, lay) -> {
                    if (l == layer) out[0] = java.util.Arrays.copyOf(data, rows * width);
                });
                TestData.logits(one, w.get(win));
            }
            float[] got = s.series(win, ModuleSeries.module(layer, true));
            DenseMatrix b = bases[ModuleSeries.module(layer, true)];
            for (int t = 0; t < 9; t++) {
                for (int c = 0; c < 3; c++) {
                    double want = 0;
                    for (int j = 0; j < d; j++) want += (out[0][t * d + j] - means[ModuleSeries.module(layer, true)][j]) * b.get(j, c);
                    assertThat((double) got[t * 3 + c]).isCloseTo(want, offset(1e-4 * (1 + Math.abs(want))));
                }
            }
        }
    }
}
