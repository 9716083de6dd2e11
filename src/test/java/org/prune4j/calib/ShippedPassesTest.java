package org.prune4j.calib;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.plan.PlanJson;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distributed seam without a cluster: an executor that runs every pass with its own collectors, ships them
 * through Java serialization (as Spark does) and returns them in reverse completion order, must give the same plan
 * as one machine for every method that calibrates through the runner — bit for bit, since the runner folds the
 * pass states in pass order whoever computed them.
 */
class ShippedPassesTest {
    static final class ShippingExecutor implements PassExecutor {
        int passes;

        @Override
        public List<List<Collector>> runPasses(Transformer tf, List<int[]> windows, List<int[]> passList, List<? extends Collector> kinds) {
            List<? extends Collector> shippedKinds = TestData.shipped(new ArrayList<>(kinds));
            CalibrationRunner worker = new CalibrationRunner(CalibrationRunner.DEFAULT_PASS_TOKENS, ProgressListener.NONE);
            List<List<Collector>> done = new ArrayList<>();
            // Computed last pass first, as a cluster may finish them; returned in pass order.
            for (int p = passList.size() - 1; p >= 0; p--) {
                int[] r = passList.get(p);
                done.add(TestData.shipped(worker.runPass(tf, new ArrayList<>(windows.subList(r[0], r[1])), shippedKinds)));
                passes++;
            }
            Collections.reverse(done);
            return done;
        }
    }

    static String plan(Model m, String method) throws Exception {
        PruneRequest r = new PruneRequest(PruneRequest.Method.of(method, 0.3),
                new PruneRequest.Calibration(TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt"), 24, 64), null,
                new PruneRequest.Runtime(2, 512), 7, null);
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                PlanJson.Plan.of(Pruner.run(m, r, l -> ProgressListener.NONE, false).plan(), m.config()));
    }

    @Test
    void shippedPassStatesGiveTheSamePlan() throws Exception {
        try (Model m = TestData.stories()) {
            for (String method : List.of("wanda-sp", "flap", "block-influence", "transfer-entropy")) {
                String here = plan(m, method);
                ShippingExecutor ex = new ShippingExecutor();
                CalibrationRunner.useExecutor(ex);
                String shipped;
                try {
                    shipped = plan(m, method);
                } finally {
                    CalibrationRunner.useExecutor(null);
                }
                assertThat(ex.passes).as(method + " ran its passes through the executor").isGreaterThan(1);
                assertThat(shipped).as(method).isEqualTo(here);
            }
        }
    }
}
