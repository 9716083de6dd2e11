package org.prune4j.report;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.io.ExportFormat;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;
import org.prune4j.plan.PlanJson;
import org.prune4j.plan.PruningPlan;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.util.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's library example, run as written; its report round-trips through JSON and its plan re-applies. */
class LibraryApiTest {
    @Test
    void readmeExamplePrunesWritesAndReports() throws Exception {
        Path dir = TestData.tempDir();
        Path out = dir.resolve("stories-flap.gguf");
        try (Model model = ModelLoader.load(TestData.ROOT.resolve("data/stories260K/stories260K.bin"), TestData.ROOT.resolve("data/stories260K/tok512.bin"))) {
            PruneRequest request = new PruneRequest(PruneRequest.Method.of("flap", 0.2),
                    new PruneRequest.Calibration(TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt"), 64, 128),
                    null, PruneRequest.Runtime.threads(2), 0, null);
            Pruner.Result result = Pruner.run(model, request, stage -> ProgressListener.NONE, true);
            ExportFormat.GGUF.write(result.pruned(), out, null, 0, false);
            RunReport report = RunReport.of(request, result, model.config(), "stories260K", out.toString(), "gguf", null);
            assertThat(report.summary().get(0)).startsWith("parameters 260,032 -> ");
            // FLAP's reference head rule at 20% keeps these heads per layer (the numpy re-implementation's figures).
            assertThat(report.plan().layers().stream().map(PlanJson.Layer::heads)).containsExactly("6/8", "6/8", "8/8", "6/8", "4/8");
            assertThat(report.config().ratioBasis()).isEqualTo("total-parameters");
            Path json = dir.resolve("report.json");
            Files.writeString(json, RunReports.toJson(report));
            RunReport back = RunReports.read(json);
            assertThat(back.config()).isEqualTo(report.config());
            assertThat(back.parameters()).isEqualTo(report.parameters());
            PruningPlan again = PlanJson.read(json);
            assertThat(again).isEqualTo(result.plan());
            try (Model written = ModelLoader.load(out, null)) {
                assertThat(written.config().totalParameters()).isEqualTo(report.parameters().after());
                int[] probe = {1, 300, 301, 302};
                assertThat(TestData.relError(TestData.logits(result.pruned(), probe), TestData.logits(written, probe))).isLessThan(1e-6);
            }
        }
    }
}
