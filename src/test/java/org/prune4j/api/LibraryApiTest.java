package org.prune4j.api;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.calib.CalibrationSet;
import org.prune4j.io.ExportFormat;
import org.prune4j.io.ModelLoader;
import org.prune4j.methods.minillm.MiniLlmCriterion;
import org.prune4j.methods.minillm.ZerothOrder;
import org.prune4j.model.Model;
import org.prune4j.plan.PlanJson;
import org.prune4j.plan.PruningPlan;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.report.RunReport;
import org.prune4j.report.RunReports;
import org.prune4j.util.Prune4jException;
import org.prune4j.util.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The README's library example, run as written; its report round-trips through JSON and its plan re-applies. */
class LibraryApiTest {
    static final Path CALIB = TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt");

    @Test
    void readmeExamplePrunesWritesAndReports() throws Exception {
        Path dir = TestData.tempDir();
        Path out = dir.resolve("stories-flap.gguf");
        // --- the README's example ---
        try (Model model = ModelLoader.load(TestData.ROOT.resolve("data/stories260K/stories260K.bin"), TestData.ROOT.resolve("data/stories260K/tok512.bin"))) {
            Pruned pruned = Prune4j.prune(model, PruneSpec.method("flap").ratio(0.2)
                    .calibration(PruneSpec.calibrationFile(CALIB, 64, 128)).threads(2).seed(0), "stories260K");
            RunReport report = pruned.write(ExportFormat.GGUF, out);
            // --- end of the example ---
            assertThat(report.summary().get(0)).startsWith("parameters 260,032 -> ");
            // FLAP's reference head rule at 20% keeps these heads per layer (the numpy re-implementation's figures).
            assertThat(report.plan().layers().stream().map(PlanJson.Layer::heads)).containsExactly("6/8", "6/8", "8/8", "6/8", "4/8");
            assertThat(report.config().ratioBasis()).isEqualTo("total-parameters");
            // The facade is the pipeline: the same request through Pruner gives the same plan.
            Pruner.Result direct = Pruner.run(model, pruned.request(), stage -> ProgressListener.NONE, true);
            assertThat(direct.plan()).isEqualTo(pruned.plan());
            Path json = dir.resolve("report.json");
            Files.writeString(json, RunReports.toJson(report));
            RunReport back = RunReports.read(json);
            assertThat(back.config()).isEqualTo(report.config());
            assertThat(back.parameters()).isEqualTo(report.parameters());
            PruningPlan again = PlanJson.read(json);
            assertThat(again).isEqualTo(pruned.plan());
            try (Model written = ModelLoader.load(out, null)) {
                assertThat(written.config().totalParameters()).isEqualTo(report.parameters().after());
                int[] probe = {1, 300, 301, 302};
                assertThat(TestData.relError(TestData.logits(pruned.model(), probe), TestData.logits(written, probe))).isLessThan(1e-6);
            }
        }
    }

    @Test
    void windowsInMemoryCalibrateAsTheFileTheyWereDrawnFrom() {
        try (Model model = ModelLoader.load(TestData.STORIES, TestData.ROOT.resolve("data/stories260K/tok512.bin"))) {
            PruneSpec fromFile = PruneSpec.method("wanda-sp").ratio(0.3).calibration(PruneSpec.calibrationFile(CALIB, 16, 64)).seed(5).threads(1);
            CalibrationSet drawn = CalibrationSet.sample(CALIB, model.tokenizer(), 16, 64, 5);
            PruneSpec inMemory = PruneSpec.method("wanda-sp").ratio(0.3).calibration(PruneSpec.calibrationWindows(drawn.sequences())).seed(5).threads(1);
            Pruned a = Prune4j.prune(model, fromFile), b = Prune4j.prune(model, inMemory);
            assertThat(b.plan()).isEqualTo(a.plan());
            assertThat(b.report().calibration().samples()).isEqualTo(16);
            // A different window set gives a different plan (the windows are really used).
            Pruned c = Prune4j.prune(model, PruneSpec.method("wanda-sp").ratio(0.3).calibration(PruneSpec.calibrationWindows(drawn.sequences().subList(0, 2))));
            assertThat(c.plan()).isNotEqualTo(a.plan());
        }
    }

    @Test
    void typedOptionsAreCheckedWhereTheyAreSet() {
        PruneSpec s = PruneSpec.method("mini-llm").ratio(0.2).option(MiniLlmCriterion.SAMPLES, 2).option(MiniLlmCriterion.SCOPE, ZerothOrder.Scope.MODULE);
        assertThat(s.request().method().options().values()).containsEntry("zo-samples", "2").containsEntry("zo-scope", "module");
        assertThatThrownBy(() -> PruneSpec.method("mini-llm").option(MiniLlmCriterion.SAMPLES, 0)).isInstanceOf(Prune4jException.class)
                .hasMessage("--zo-samples must be at least 1, got 0");
        assertThatThrownBy(() -> PruneSpec.method("flap").request()).hasMessageContaining("ratio");
        // An option of another method is refused when the run starts, naming the method.
        try (Model model = ModelLoader.load(TestData.STORIES, TestData.ROOT.resolve("data/stories260K/tok512.bin"))) {
            assertThatThrownBy(() -> Prune4j.prune(model, PruneSpec.method("magnitude").ratio(0.2).option(MiniLlmCriterion.SAMPLES, 2)))
                    .isInstanceOf(Prune4jException.class).hasMessageContaining("--zo-samples does not apply to the method magnitude");
        }
    }
}
