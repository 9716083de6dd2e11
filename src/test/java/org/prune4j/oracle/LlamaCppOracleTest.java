package org.prune4j.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import org.prune4j.TestData;
import org.prune4j.bench.LlamaCppRunner;
import org.prune4j.engine.Transformer;
import org.prune4j.eval.Corpus;
import org.prune4j.eval.Generator;
import org.prune4j.engine.LogSoftmax;
import org.prune4j.io.GgufModelWriter;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.LayerShape;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * llama.cpp itself (prebuilt, via node-llama-cpp) loads the GGUF files prune4j writes and must agree with
 * prune4j's engine on the same file: greedy continuations and per-token log-probabilities.
 */
class LlamaCppOracleTest {

    private static void requireOracle(Path gguf) {
        String why = LlamaCppRunner.unavailableReason(gguf);
        assertThat(why).as("llama.cpp oracle unavailable").isNull();
    }

    /** Teacher-forced log-probs of each next token, prune4j vs llama.cpp; returns the max abs difference. */
    private static double maxLogProbDiff(Model m, Path gguf, int[] toks) {
        JsonNode ref = LlamaCppRunner.logits(gguf, toks, 2);
        float[] ours = TestData.logits(m, toks);
        int v = m.config().vocab();
        double worst = 0;
        for (int i = 0; i + 1 < toks.length; i++) {
            JsonNode row = ref.path("logits").get(i);
            float[] theirs = new float[v];
            for (int j = 0; j < v; j++) theirs[j] = (float) row.get(j).asDouble();
            double a = LogSoftmax.logProb(ours, i * v, v, toks[i + 1]), b = LogSoftmax.logProb(theirs, 0, v, toks[i + 1]);
            worst = Math.max(worst, Math.abs(a - b));
        }
        System.out.printf("llama.cpp vs prune4j on %s: max |Δ log p| = %.3g over %d tokens%n", gguf.getFileName(), worst, toks.length - 1);
        return worst;
    }

    @Test
    void storiesGgufGreedyAndLogProbsMatchLlamaCpp() {
        Path gguf = TestData.tempDir().resolve("stories.gguf");
        try (Model src = TestData.stories()) {
            GgufModelWriter.write(src, gguf, null, false);
        }
        requireOracle(gguf);
        try (Model m = ModelLoader.load(gguf, null); Transformer tf = new Transformer(m, 2)) {
            int[] ours = Generator.generate(tf, new int[]{1}, 120, 0f, 0, -1, t -> {});
            assertThat(LlamaCppRunner.greedy(gguf, new int[]{1}, 120, 2)).containsExactly(ours);
            String doc = Corpus.documents(Corpus.readText(TestData.HEAD46)).get(3);
            int[] enc = m.tokenizer().encode(doc);
            int[] toks = new int[Math.min(200, enc.length + 1)];
            toks[0] = 1;
            System.arraycopy(enc, 0, toks, 1, toks.length - 1);
            assertThat(maxLogProbDiff(m, gguf, toks)).isLessThan(5e-5);
        }
    }

    @Test
    void nonUniformDeciExportWithBiasesMatchesLlamaCpp() {
        // Per-layer heads, KV groups and MLP widths as a pruned stories260K would have, with o/down biases.
        int[] heads = {8, 6, 8, 4, 8}, kv = {4, 3, 4, 2, 4}, ffn = {172, 142, 112, 162, 132};
        List<LayerShape> shapes = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) shapes.add(new LayerShape(heads[i], kv[i], 8, ffn[i], false, true, true));
        ModelConfig c = new ModelConfig("llama", 64, 512, 1e-5f, 10000f, null, RopeStyle.INTERLEAVED, true, 512, shapes);
        Path gguf = TestData.tempDir().resolve("deci.gguf");
        try (Model src = SyntheticModel.create(c, 17, DType.F32)) {
            GgufModelWriter.write(src, gguf, null, false);
        }
        requireOracle(gguf);
        try (Model m = ModelLoader.load(gguf, null)) {
            assertThat(m.config().architecture()).isEqualTo("deci");
            assertThat(m.config().layers()).isEqualTo(shapes);
            int[] toks = {1, 300, 301, 302, 303, 304, 305, 306, 400, 401, 402, 403, 12, 13, 14, 15};
            assertThat(maxLogProbDiff(m, gguf, toks)).isLessThan(5e-5);
            assertGreedyAgrees(m, gguf);
        }
    }

    @Test
    void gqaModelWithQkvBiasesAndUntiedOutputMatchesLlamaCpp() {
        List<LayerShape> shapes = List.of(new LayerShape(4, 2, 16, 96, true, false, false), new LayerShape(4, 2, 16, 96, true, false, false));
        ModelConfig c = new ModelConfig("qwen2", 64, 320, 1e-6f, 1_000_000f, null, RopeStyle.HALF, false, 256, shapes);
        Path gguf = TestData.tempDir().resolve("qkv.gguf");
        try (Model src = SyntheticModel.create(c, 23, DType.F32)) {
            GgufModelWriter.write(src, gguf, null, false);
            requireOracle(gguf);
            int[] toks = {1, 270, 271, 272, 273, 300, 301, 302, 310, 311};
            // the HALF-layout source and llama.cpp on the interleaved GGUF agree
            assertThat(maxLogProbDiff(src, gguf, toks)).isLessThan(5e-5);
            try (Model m = ModelLoader.load(gguf, null)) {
                assertGreedyAgrees(m, gguf);
            }
        }
    }

    @Test
    void llama3RopeScalingMatchesLlamaCppRopeFreqs() {
        Path gguf = TestData.tempDir().resolve("rope3.gguf");
        int[] toks = new int[80];
        for (int i = 0; i < toks.length; i++) toks[i] = 260 + (i * 11) % 55;
        try (Model src = SyntheticModel.create(TestData.llama3Scaled(), 12, DType.F32)) {
            GgufModelWriter.write(src, gguf, null, false);
            requireOracle(gguf);
            assertThat(maxLogProbDiff(src, gguf, toks)).isLessThan(5e-5);
        }
    }

    /**
     * Greedy continuations of random-weight models can contain near-ties, so agreement is checked position by
     * position: llama.cpp's choice must be ours wherever our top-2 margin is clear of float noise.
     */
    private static void assertGreedyAgrees(Model m, Path gguf) {
        try (Transformer tf = new Transformer(m, 2)) {
            int[] ours = Generator.generate(tf, new int[]{1}, 40, 0f, 0, -1, t -> {});
            int[] theirs = LlamaCppRunner.greedy(gguf, new int[]{1}, 40, 2);
            int[] seq = new int[ours.length + 1];
            seq[0] = 1;
            System.arraycopy(ours, 0, seq, 1, ours.length);
            float[] lg = TestData.logits(m, seq);
            int v = m.config().vocab();
            for (int i = 0; i < ours.length; i++) {
                if (theirs[i] == ours[i]) continue;
                float margin = lg[i * v + ours[i]] - lg[i * v + theirs[i]];
                assertThat(margin).as("llama.cpp chose %d over our %d at step %d", theirs[i], ours[i], i).isLessThan(1e-3f);
                return; // the continuations legitimately diverge after a tie
            }
        }
    }
}
