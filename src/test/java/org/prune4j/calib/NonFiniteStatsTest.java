package org.prune4j.calib;

import org.prune4j.TestData;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelWeights;
import org.prune4j.model.SyntheticModel;
import org.prune4j.model.TensorRole;
import org.prune4j.util.ProgressListener;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.util.Prune4jException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A NaN in the model reaches the statistics; pruning stops with a one-line error instead of ranking garbage. */
class NonFiniteStatsTest {
    @Test
    void nanWeightsStopPruningWithAClearError() {
        try (Model m = SyntheticModel.create(TestData.ragged(), 5, DType.F32)) {
            LayerWeights w = m.weights().layers().get(1);
            float[] q = w.wq().toFloats();
            q[3] = Float.NaN;
            List<LayerWeights> layers = new ArrayList<>(m.weights().layers());
            layers.set(1, w.with(TensorRole.Q, Matrix.ofFloats(q, w.wq().rows(), w.wq().cols())));
            try (Model bad = new Model(m.config(), new ModelWeights(m.weights().embedding(), layers, m.weights().finalNorm(),
                    m.weights().output()), SyntheticModel.tokenizer(320), null, "nan model")) {
                PruneRequest r = new PruneRequest(PruneRequest.Method.of("wanda-sp", 0.2), new PruneRequest.Calibration(TestData.HEAD46, 4, 32),
                        null, PruneRequest.Runtime.threads(1), 0, null);
                assertThatThrownBy(() -> Pruner.run(bad, r, l -> ProgressListener.NONE, true))
                        .isInstanceOf(Prune4jException.class).hasMessageContaining("layer 1").hasMessageContaining("NaN/Inf");
            }
        }
    }
}
