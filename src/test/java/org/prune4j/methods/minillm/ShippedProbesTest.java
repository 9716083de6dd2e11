package org.prune4j.methods.minillm;

import org.prune4j.criteria.MethodOptions;

import org.prune4j.methods.minillm.ZerothOrder;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MINI-LLM's zero-order probes split across "machines": the probes dealt round-robin to two engines of their own,
 * the second half first, each returning only its scalars, give the plan of one machine bit for bit (a probe's scalar
 * depends on its seed and scope alone).
 */
class ShippedProbesTest {
    static String plan(Model m) throws Exception {
        PruneRequest.Method pm = new PruneRequest.Method("mini-llm", org.prune4j.alloc.Target.total(0.2), null, org.prune4j.alloc.Constraints.defaults(),
                null, PruneRequest.CalibrationMode.DENSE, new MethodOptions(Map.of("zo-scope", "module", "zo-samples", "2")));
        PruneRequest r = new PruneRequest(pm, new PruneRequest.Calibration(TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt"),
                6, 64), null, PruneRequest.Runtime.threads(2), 3, null);
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                org.prune4j.plan.PlanJson.Plan.of(Pruner.run(m, r, l -> ProgressListener.NONE, false).plan(), m.config()));
    }

    @Test
    void probesSplitAcrossEnginesGiveTheSamePlan() throws Exception {
        try (Model m = TestData.stories()) {
            String here = plan(m);
            int[] ran = {0};
            ZerothOrder.useExecutor((model, windows, probes, layers, eps, dist) -> {
                double[] c = new double[probes.size()];
                for (int part = 1; part >= 0; part--) {
                    final int p = part;
                    int[] which = IntStream.range(0, probes.size()).filter(i -> i % 2 == p).toArray();
                    try (Transformer other = new Transformer(model, 1)) {
                        double[] got = ZerothOrder.estimateAll(other, model, new ArrayList<>(windows), List.copyOf(probes), which, layers, eps, dist,
                                ProgressListener.NONE);
                        for (int k = 0; k < which.length; k++) c[which[k]] = got[k];
                    }
                    ran[0] += which.length;
                }
                return c;
            });
            String split;
            try {
                split = plan(m);
            } finally {
                ZerothOrder.useExecutor(null);
            }
            assertThat(ran[0]).isGreaterThan(4);
            assertThat(split).isEqualTo(here);
        }
    }
}
