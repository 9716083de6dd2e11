package org.prune4j.io;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.plan.PlanJson;
import org.prune4j.tensor.DType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeded mutation fuzzer ({@link ParserFuzz}) over the GGUF, safetensors, config.json, tokenizer.json, llama2.c and
 * plan readers: every case loads (and a loaded model runs a 3-token forward pass) or ends in the project's one-line
 * error. Case counts and findings are printed; the seed is fixed, so a finding is reproducible by its case id.
 */
class ParserFuzzTest {
    static final int CASES = Integer.getInteger("prune4j.fuzzCases", 2000);
    static final long TIMEOUT_MS = 20_000;

    /** Loads a model and runs it on up to three tokens (its context allowing), so a model that loads but cannot run counts too. */
    static void loadAndRun(Path model, Path tokenizer) {
        try (Model m = ModelLoader.load(model, tokenizer); Transformer tf = new Transformer(m, 1)) {
            int n = Math.min(3, m.config().contextLength());
            TestData.logits(tf, java.util.Arrays.copyOf(new int[] {1, 2, 3}, n));
        }
    }

    static void check(ParserFuzz.Report r, String what) {
        System.out.printf("fuzz %-12s %d cases: %d loaded, %d refused in one line, %d findings%n", what, r.cases(), r.loaded(), r.refused(), r.findings().size());
        r.sampleRefusals().forEach(m -> System.out.println("  refused: " + m));
        r.findings().entrySet().stream().limit(20).forEach(e -> System.out.println("  " + e.getKey() + " " + e.getValue()));
        assertThat(r.findings()).as(what + " findings").isEmpty();
        assertThat(r.refused() + r.loaded()).isEqualTo(r.cases());
    }

    @Test
    void gguf() throws Exception {
        Path dir = TestData.tempDir(), good = dir.resolve("good.gguf"), bad = dir.resolve("m.gguf");
        try (Model m = SyntheticModel.create(TestData.ragged(), 3, DType.F32)) {
            GgufModelWriter.write(m, good, null, false);
        }
        byte[] src = Files.readAllBytes(good);
        int header = headerLength(src);
        check(ParserFuzz.run("gguf", CASES, 1, (i, r) -> ParserFuzz.write(bad, ParserFuzz.mutateBinary(src, header, r)),
                i -> loadAndRun(bad, null), TIMEOUT_MS), "gguf");
    }

    @Test
    void huggingFaceFolder() throws Exception {
        Path dir = TestData.tempDir(), good = dir.resolve("good-hf"), bad = dir.resolve("hf");
        try (Model m = SyntheticModel.create(TestData.ragged(), 3, DType.F32)) {
            HfWriter.write(m, good, null, 0, false);
        }
        Files.createDirectories(bad);
        byte[] st = Files.readAllBytes(good.resolve("model.safetensors"));
        String config = Files.readString(good.resolve("config.json"));
        String tok = Files.readString(good.resolve("tokenizer.json"));
        for (String f : new String[] {"tokenizer_config.json"}) if (Files.exists(good.resolve(f))) Files.copy(good.resolve(f), bad.resolve(f));
        int stHeader = 8 + (int) java.nio.ByteBuffer.wrap(st, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        check(ParserFuzz.run("safetensors", CASES, 2, (i, r) -> {
            ParserFuzz.write(bad.resolve("model.safetensors"), ParserFuzz.mutateBinary(st, stHeader, r));
            ParserFuzz.write(bad.resolve("config.json"), config.getBytes(StandardCharsets.UTF_8));
            ParserFuzz.write(bad.resolve("tokenizer.json"), tok.getBytes(StandardCharsets.UTF_8));
        }, i -> loadAndRun(bad, null), TIMEOUT_MS), "safetensors");
        check(ParserFuzz.run("config.json", CASES, 3, (i, r) -> {
            ParserFuzz.write(bad.resolve("model.safetensors"), st);
            try {
                ParserFuzz.write(bad.resolve("config.json"), ParserFuzz.mutateJson(config, r).getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            ParserFuzz.write(bad.resolve("tokenizer.json"), tok.getBytes(StandardCharsets.UTF_8));
        }, i -> loadAndRun(bad, null), TIMEOUT_MS), "config.json");
        check(ParserFuzz.run("tokenizer", CASES, 4, (i, r) -> {
            ParserFuzz.write(bad.resolve("model.safetensors"), st);
            ParserFuzz.write(bad.resolve("config.json"), config.getBytes(StandardCharsets.UTF_8));
            try {
                ParserFuzz.write(bad.resolve("tokenizer.json"), ParserFuzz.mutateJson(tok, r).getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, i -> loadAndRun(bad, null), TIMEOUT_MS), "tokenizer.json");
    }

    @Test
    void llama2c() throws Exception {
        Path dir = TestData.tempDir(), bad = dir.resolve("m.bin");
        Files.copy(TestData.TOK512, dir.resolve("tok512.bin"));
        byte[] src = Files.readAllBytes(TestData.STORIES);
        check(ParserFuzz.run("llama2c", CASES, 5, (i, r) -> ParserFuzz.write(bad, ParserFuzz.mutateBinary(src, 28, r)),
                i -> loadAndRun(bad, dir.resolve("tok512.bin")), TIMEOUT_MS), "llama2.c");
    }

    @Test
    void plan() throws Exception {
        Path dir = TestData.tempDir(), bad = dir.resolve("plan.json");
        var c = TestData.stories().config();
        String plan = org.prune4j.report.RunReports.toJson(java.util.Map.of("plan", PlanJson.Plan.of(org.prune4j.plan.PruningPlan.keepAll(c), c)));
        check(ParserFuzz.run("plan", CASES, 6, (i, r) -> {
            try {
                ParserFuzz.write(bad, ParserFuzz.mutateJson(plan, r).getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, i -> PlanJson.read(bad).validate(c), TIMEOUT_MS), "plan");
    }

    /** GGUF: the metadata and tensor infos end where the first tensor's aligned data starts; fuzz up to 64 KiB. */
    static int headerLength(byte[] src) {
        return Math.min(src.length, 64 * 1024);
    }
}
