package org.prune4j.prune;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.io.ExportFormat;
import org.prune4j.model.Model;
import org.prune4j.util.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Same inputs and seed: byte-identical pruned files for 1 and 2 threads and across repeated runs in one JVM. */
class DeterminismTest {
    @Test
    void flapExportsAreByteIdenticalForAnyThreadCount() throws Exception {
        Path dir = TestData.tempDir();
        byte[] first = null;
        int i = 0;
        for (int threads : new int[]{1, 2, 2, 1}) {
            try (Model m = TestData.stories()) {
                PruneRequest r = new PruneRequest(PruneRequest.Method.of("flap", 0.2),
                        new PruneRequest.Calibration(SequentialCalibrationTest.TRAIN, 16, 64), null, PruneRequest.Runtime.threads(threads), 3, null);
                Path out = dir.resolve("p" + i++ + ".gguf");
                ExportFormat.GGUF.write(Pruner.run(m, r, l -> ProgressListener.NONE, true).pruned(), out, null, 0, false);
                byte[] bytes = Files.readAllBytes(out);
                if (first == null) first = bytes;
                else assertThat(bytes).as("run %d with %d threads", i, threads).isEqualTo(first);
            }
        }
    }

    /** Gradient methods: same seeds give identical plans with 1 and 2 threads (backprop and probes alike). */
    @Test
    void gradientMethodPlansAreIdenticalForAnyThreadCount() throws Exception {
        for (var opts : java.util.List.of(java.util.Map.of("taylor", "element2"), java.util.Map.of("zo-scope", "module", "zo-samples", "2"))) {
            String method = opts.containsKey("taylor") ? "taylor" : "mini-llm";
            String first = null;
            for (int threads : new int[]{1, 2}) {
                try (Model m = TestData.stories()) {
                    PruneRequest.Method pm = new PruneRequest.Method(method, org.prune4j.alloc.Target.total(0.2), null,
                            org.prune4j.alloc.Constraints.defaults(), null, PruneRequest.CalibrationMode.DENSE, new org.prune4j.criteria.MethodOptions(opts));
                    PruneRequest r = new PruneRequest(pm, new PruneRequest.Calibration(SequentialCalibrationTest.TRAIN, 6, 64), null,
                            PruneRequest.Runtime.threads(threads), 3, null);
                    Pruner.Result res = Pruner.run(m, r, l -> ProgressListener.NONE, false);
                    String plan = json(org.prune4j.plan.PlanJson.Plan.of(res.plan(), m.config()));
                    assertThat(res.resolved().options()).containsEntry("layer-range", "1:5");
                    if (first == null) first = plan;
                    else assertThat(plan).as(method + " with " + threads + " threads").isEqualTo(first);
                }
            }
        }
    }

    private static String json(Object o) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o);
    }
}
