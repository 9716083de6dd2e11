package org.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.prune4j.TestData;
import org.prune4j.bench.LlamaCppRunner;
import org.prune4j.engine.Transformer;
import org.prune4j.eval.Generator;
import org.prune4j.engine.LogSoftmax;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The prune/plan contract on the bundled stories260K, and its exports in llama.cpp. */
class PruneCliTest {
    static final String CALIB = TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt").toString();

    private static JsonNode ok(CliRunner.Outcome o) throws Exception {
        assertThat(o.exit()).as(o.err()).isZero();
        return new ObjectMapper().readTree(o.out());
    }

    private static String err(CliRunner.Outcome o) {
        assertThat(o.exit()).as(o.out()).isEqualTo(1);
        assertThat(o.err().strip()).hasLineCount(1).startsWith("prune4j: ");
        return o.err();
    }

    @Test
    void flapPruneReportsAndItsNonUniformGgufRunsInLlamaCpp() throws Exception {
        Path out = TestData.tempDir().resolve("flap.gguf");
        JsonNode r = ok(CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--method", "flap", "--ratio", "0.2",
                "--calib", CALIB, "--calib-samples", "32", "--calib-len", "128", "--seed", "3", "--out", out.toString(),
                "--eval", TestData.HEAD46.toString(), "--protocol", "documents", "--json", "--no-progress"));
        assertThat(r.path("parameters").path("removedFraction").asDouble()).isBetween(0.2, 0.23);
        assertThat(r.path("parameters").path("before").asLong()).isEqualTo(260_032 + 0); // stories260K, tied embedding
        assertThat(r.path("calibration").path("samples").asInt()).isEqualTo(32);
        assertThat(r.path("config").path("seed").asLong()).isEqualTo(3);
        assertThat(r.path("config").path("biasCompensation").asBoolean()).isTrue();
        assertThat(r.path("eval").path("perplexityBefore").asDouble()).isBetween(3.39, 3.40);
        assertThat(r.path("eval").path("perplexityAfter").asDouble()).isGreaterThan(3.4).isLessThan(40);
        assertThat(r.path("plan").path("layers").size()).isEqualTo(5);
        assertThat(r.path("wallSeconds").asDouble()).isPositive();
        assertThat(r.path("peakRssBytes").asLong()).isPositive();
        try (Model m = ModelLoader.load(out, null); Transformer tf = new Transformer(m, 2)) {
            assertThat(m.config().isUniform()).isFalse();
            assertThat(m.config().architecture()).isEqualTo("deci");
            assertThat(m.config().layer(0).oBias()).isTrue();
            assertThat(LlamaCppRunner.unavailableReason(out)).isNull();
            int[] ours = Generator.generate(tf, new int[]{1}, 60, 0f, 0, -1, t -> {});
            assertThat(LlamaCppRunner.greedy(out, new int[]{1}, 60, 2)).containsExactly(ours);
            int[] seq = new int[61];
            seq[0] = 1;
            System.arraycopy(ours, 0, seq, 1, 60);
            JsonNode ref = LlamaCppRunner.logits(out, seq, 2);
            float[] lg = TestData.logits(m, seq);
            int v = m.config().vocab();
            for (int i = 0; i < 60; i++) {
                float[] row = new float[v];
                for (int j = 0; j < v; j++) row[j] = (float) ref.path("logits").get(i).get(j).asDouble();
                assertThat(Math.abs(LogSoftmax.logProb(lg, i * v, v, seq[i + 1]) - LogSoftmax.logProb(row, 0, v, seq[i + 1]))).isLessThan(5e-5);
            }
        }
    }

    @Test
    void uniformFlapExportIsALlamaGgufWithBiasesThatLlamaCppRuns() throws Exception {
        Path out = TestData.tempDir().resolve("uniform-flap.gguf");
        ok(CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--method", "flap", "--allocation", "uniform",
                "--ratio", "0.3", "--calib", CALIB, "--calib-samples", "16", "--calib-len", "128", "--out", out.toString(), "--json"));
        try (Model m = ModelLoader.load(out, null); Transformer tf = new Transformer(m, 2)) {
            assertThat(m.config().architecture()).isEqualTo("llama");
            assertThat(m.config().layer(2).oBias()).isTrue();
            assertThat(m.config().layer(2).downBias()).isTrue();
            int[] ours = Generator.generate(tf, new int[]{1}, 40, 0f, 0, -1, t -> {});
            assertThat(LlamaCppRunner.greedy(out, new int[]{1}, 40, 2)).containsExactly(ours);
        }
    }

    @Test
    void everyMethodPrunesAndThePlanCommandPrintsThePlan() throws Exception {
        for (String method : new String[]{"random", "magnitude", "wanda-sp", "block-influence"}) {
            JsonNode p = ok(CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--method", method, "--ratio", "0.3",
                    "--calib", CALIB, "--calib-samples", "8", "--calib-len", "64", "--json"));
            assertThat(p.path("parameters").path("removedFraction").asDouble()).as(method).isGreaterThanOrEqualTo(0.3);
            assertThat(p.path("plan").path("layers").get(0).path("keptChannels").isArray()).isTrue();
        }
        Path hf = TestData.tempDir().resolve("hf");
        JsonNode r = ok(CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--method", "magnitude", "--ratio", "0.1",
                "--protect", "0,4", "--channel-multiple", "8", "--format", "hf", "--out", hf.toString(), "--json"));
        JsonNode layers = r.path("plan").path("layers");
        assertThat(layers.get(0).path("channels").asText()).isEqualTo("172/172");
        assertThat(layers.get(2).path("keptChannels").size() % 8).isZero();
        assertThat(Files.readString(hf.resolve("config.json"))).contains("prune4j_layer_shapes");
        // a uniform plan without bias compensation keeps a stock LLaMA config
        Path stock = TestData.tempDir().resolve("stock");
        ok(CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--method", "magnitude", "--ratio", "0.2",
                "--format", "hf", "--out", stock.toString(), "--json"));
        assertThat(Files.readString(stock.resolve("config.json"))).doesNotContain("prune4j_").contains("\"num_attention_heads\" : 6")
                .contains("\"num_key_value_heads\" : 3");
    }

    @Test
    void savedPlansApplyAndAPlanThatEmptiesASubBlockIsRefusedForGguf() throws Exception {
        Path dir = TestData.tempDir();
        CliRunner.Outcome planned = CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--method", "magnitude", "--ratio", "0.25", "--json");
        JsonNode plan = ok(planned);
        Path saved = dir.resolve("plan.json");
        Files.writeString(saved, planned.out());
        JsonNode applied = ok(CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--plan", saved.toString(),
                "--out", dir.resolve("a.gguf").toString(), "--json"));
        assertThat(applied.path("parameters").path("after").asLong()).isEqualTo(plan.path("parameters").path("after").asLong());
        assertThat(applied.path("config").path("method").asText()).isEqualTo("saved plan");

        var root = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(planned.out());
        var layer1 = (com.fasterxml.jackson.databind.node.ObjectNode) root.path("plan").path("layers").get(1);
        layer1.putArray("keptHeads");
        layer1.putArray("keptKvGroups");
        Path emptied = dir.resolve("emptied.json");
        Files.writeString(emptied, root.toString());
        assertThat(err(CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--plan", emptied.toString(),
                "--out", dir.resolve("b.gguf").toString()))).contains("layer 1 has no attention").contains("remove the whole layer");
        assertThat(dir.resolve("b.gguf")).doesNotExist();
        // the same plan runs in prune4j's own engine and its HF export
        ok(CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--plan", emptied.toString(), "--format", "hf",
                "--out", dir.resolve("b-hf").toString(), "--json"));
        layer1.putArray("keptHeads").add(0);
        Files.writeString(emptied, root.toString());
        assertThat(err(CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--plan", emptied.toString())))
                .contains("plan layer 1: keeps query head 0 but removes its KV group 0");
    }

    @Test
    void transferEntropyPlanExposesItsMatrixAndFiguresAndDroppedModulesRunFromHf() throws Exception {
        Path dir = TestData.tempDir(), figs = dir.resolve("te-figures");
        JsonNode p = ok(CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--method", "transfer-entropy", "--ratio", "0.3",
                "--calib", CALIB, "--calib-samples", "16", "--calib-len", "64", "--figures", figs.toString(), "--json"));
        JsonNode te = p.path("methodDetails").path("transferEntropy");
        assertThat(te.path("te").size()).isEqualTo(10);
        assertThat(te.path("importance").size()).isEqualTo(10);
        assertThat(te.path("windows").asInt()).isEqualTo(16);
        assertThat(p.path("moduleRatios").size()).isEqualTo(10);
        assertThat(p.path("config").path("allocation").asText()).isEqualTo("module-ratios");
        assertThat(p.path("parameters").path("removedFraction").asDouble()).isGreaterThanOrEqualTo(0.3);
        for (String f : new String[] {"te-matrix.png", "module-ratios.png", "index.html"}) assertThat(figs.resolve(f)).isNotEmptyFile();
        assertThat(Files.readString(figs.resolve("index.html"))).contains("Transfer entropy between modules").contains("<td>m4</td>");
        // Module dropping at 50%: a sub-block goes whole; GGUF refuses such a layer, the HF export and the engine run it.
        Path hf = dir.resolve("drop-hf");
        JsonNode d = ok(CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--method", "transfer-entropy", "--drop-modules",
                "--ratio", "0.5", "--calib", CALIB, "--calib-samples", "16", "--calib-len", "64", "--format", "hf", "--out", hf.toString(),
                "--eval", TestData.HEAD46.toString(), "--json"));
        boolean emptied = false;
        for (JsonNode l : d.path("plan").path("layers")) emptied |= l.path("attentionRemoved").asBoolean() || l.path("mlpRemoved").asBoolean();
        assertThat(emptied).isTrue();
        assertThat(d.path("eval").path("perplexityAfter").asDouble()).isFinite().isGreaterThan(3.4);
        JsonNode again = ok(CliRunner.run("eval", "--model", hf.toString(), "--data", TestData.HEAD46.toString(), "--json"));
        assertThat(again.path("perplexity").asDouble()).isCloseTo(d.path("eval").path("perplexityAfter").asDouble(),
                org.assertj.core.data.Offset.offset(1e-3));
        assertThat(err(CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--method", "transfer-entropy", "--ratio", "0.3",
                "--calib", CALIB, "--p-max", "2"))).contains("--p-max must be in (0, 1], got 2");
        assertThat(err(CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--method", "flap", "--ratio", "0.3",
                "--calib", CALIB, "--te-dims", "2"))).contains("--te-dims does not apply to the method flap");
    }

    @Test
    void badRequestsGiveOneLine() throws Exception {
        String model = TestData.STORIES.toString();
        Path out = TestData.tempDir().resolve("x.gguf");
        assertThat(err(CliRunner.run("prune", "--model", model, "--method", "magnitude", "--ratio", "1.5", "--out", out.toString())))
                .contains("--ratio must be in (0, 1)");
        assertThat(err(CliRunner.run("prune", "--model", model, "--method", "magnitude", "--ratio", "0.95", "--out", out.toString())))
                .contains("cannot be reached");
        assertThat(err(CliRunner.run("prune", "--model", model, "--method", "flap", "--ratio", "0.2", "--out", out.toString())))
                .contains("needs calibration text");
        assertThat(err(CliRunner.run("prune", "--model", model, "--method", "wanda-sp", "--ratio", "0.2", "--calib", TestData.HEAD46.toString(),
                "--calib-len", "100000", "--out", out.toString()))).contains("fewer than the calibration length");
        assertThat(err(CliRunner.run("prune", "--model", model, "--method", "wanda-sp", "--ratio", "0.2", "--calib", TestData.HEAD46.toString(),
                "--eval", TestData.HEAD46.toString(), "--out", out.toString()))).contains("share 46 documents");
        assertThat(err(CliRunner.run("prune", "--model", model, "--method", "oracle", "--ratio", "0.2", "--out", out.toString())))
                .contains("unknown pruning method 'oracle'; available: random, magnitude");
        Files.writeString(out, "occupied");
        assertThat(err(CliRunner.run("prune", "--model", model, "--method", "magnitude", "--ratio", "0.2", "--out", out.toString())))
                .contains("already exists");
        assertThat(Files.readString(out)).isEqualTo("occupied");
    }
}
