package org.prune4j.prune;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.LayerRealizer;
import org.prune4j.alloc.Target;
import org.prune4j.calib.ActivationStats;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.calib.CalibrationSet;
import org.prune4j.criteria.Criteria;
import org.prune4j.criteria.LayerwiseCriterion;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.surgery.Surgery;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sequential (layer-by-layer) calibration, FLAP's Wanda-SP baseline, checked against its definition. */
class SequentialCalibrationTest {
    static final Path TRAIN = TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt");

    static PruneRequest request(PruneRequest.CalibrationMode mode) {
        PruneRequest.Method m = new PruneRequest.Method("wanda-sp", Target.total(0.3), null, Constraints.defaults(), null, mode);
        return new PruneRequest(m, new PruneRequest.Calibration(TRAIN, 16, 64), null, PruneRequest.Runtime.threads(2), 4, null);
    }

    @Test
    void layerLIsScoredOnAModelWhoseEarlierLayersAreCut() {
        try (Model m = TestData.stories()) {
            Pruner.Result seq = Pruner.run(m, request(PruneRequest.CalibrationMode.SEQUENTIAL), l -> ProgressListener.NONE, true);
            Pruner.Result dense = Pruner.run(m, request(PruneRequest.CalibrationMode.DENSE), l -> ProgressListener.NONE, true);
            PruningPlan plan = seq.plan();
            // Layer 0 sees the same inputs either way: the same keep sets.
            assertThat(plan.layers().get(0)).isEqualTo(dense.plan().layers().get(0));
            assertThat(plan.removedFraction(m.config())).isEqualTo(dense.plan().removedFraction(m.config()));
            // The model the run returns is the plan cut from the dense weights (no bias compensation).
            try (Model cut = Surgery.apply(m, plan, null)) {
                int[] probe = {1, 300, 301, 302, 303, 304, 305};
                assertThat(TestData.relError(TestData.logits(cut, probe), TestData.logits(seq.pruned(), probe))).isLessThan(1e-6);
            }
            // Definition, layer by layer: statistics of a model whose layers < l are cut give layer l's keep set.
            CalibrationSet calib = CalibrationSet.sample(TRAIN, m.tokenizer(), 16, 64, 4);
            LayerwiseCriterion wanda = (LayerwiseCriterion) Criteria.get("wanda-sp");
            boolean anyDiffers = false;
            for (int l = 1; l < m.config().layerCount(); l++) {
                List<LayerPlan> partial = new ArrayList<>();
                for (int j = 0; j < m.config().layerCount(); j++) {
                    partial.add(j < l ? plan.layers().get(j) : LayerPlan.keepAll(m.config().layer(j).heads(), m.config().layer(j).kvHeads(), m.config().layer(j).ffnDim()));
                }
                try (Model upTo = Surgery.apply(m, new PruningPlan(partial, false), null); Transformer tf = new Transformer(upTo, 2)) {
                    ActivationStats st = (ActivationStats) new CalibrationRunner(4096, ProgressListener.NONE)
                            .run(tf, calib.sequences(), List.of(new ActivationStats(upTo.config()))).get(0);
                    var s = m.config().layer(l);
                    double[] h = new double[s.heads()], ch = new double[s.ffnDim()];
                    wanda.scoreLayer(l, s, m.weights().layers().get(l), st, h, ch);
                    LayerPlan want = plan.layers().get(l);
                    LayerPlan got = LayerRealizer.realize(s, h, ch, want.keptHeads().length, want.keptChannels().length, Constraints.defaults());
                    assertThat(got).as("layer %d", l).isEqualTo(want);
                    anyDiffers |= !want.equals(dense.plan().layers().get(l));
                }
            }
            assertThat(anyDiffers).as("sequential statistics change at least one later layer's choice").isTrue();
        }
    }

    @Test
    void sequentialNeedsALayerwiseMethodAndTheUniformAllocation() {
        try (Model m = TestData.stories()) {
            // A method that scores the whole model at once keeps its dense scores; sequential mode only changes its
            // bias means, so without bias compensation it is refused.
            PruneRequest.Method flap = new PruneRequest.Method("flap", Target.total(0.2), null, null, false, PruneRequest.CalibrationMode.SEQUENTIAL);
            PruneRequest r = new PruneRequest(flap, new PruneRequest.Calibration(TRAIN, 4, 32), null, PruneRequest.Runtime.threads(1), 0, null);
            assertThatThrownBy(() -> Pruner.run(m, r, l -> ProgressListener.NONE, false)).isInstanceOf(Prune4jException.class)
                    .hasMessageContaining("needs bias compensation");
            PruneRequest.Method global = new PruneRequest.Method("wanda-sp", Target.total(0.2), "global", null, null, PruneRequest.CalibrationMode.SEQUENTIAL);
            PruneRequest g = new PruneRequest(global, new PruneRequest.Calibration(TRAIN, 4, 32), null, PruneRequest.Runtime.threads(1), 0, null);
            assertThatThrownBy(() -> Pruner.run(m, g, l -> ProgressListener.NONE, false)).hasMessageContaining("uniform allocation");
        }
    }
}
