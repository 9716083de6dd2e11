package org.prune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.bench.LlamaCppRunner;
import org.prune4j.engine.Transformer;
import org.prune4j.io.GgufModelWriter;
import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Zero-shot scoring: the prompts of the first item of every task written out by hand (lm-eval's templates), the
 * shared-prefix scorer against scoring every choice alone, lm-eval's metrics on a hand-computable case, llama.cpp's
 * log-likelihood of the same token sequences (per choice within 5e-5, same greedy flags), and bad task files.
 */
class ZeroShotTest {
    static final Path DIR = TestData.ROOT.resolve("data/zeroshot");

    static ZeroShotTask.Pair first(ZeroShotTask t, int choice) {
        return t.load(DIR, 1).get(0).requests().get(choice);
    }

    @Test
    void templatesOfTheFirstItemOfEachTask() {
        assertThat(first(ZeroShotTask.ARC_EASY, 0)).isEqualTo(new ZeroShotTask.Pair(
                "Question: Which statement best explains why photosynthesis is the foundation of most food webs?\nAnswer:",
                " Sunlight is the source of energy for nearly all ecosystems."));
        assertThat(first(ZeroShotTask.PIQA, 0).context()).isEqualTo("Question: How do I ready a guinea pig cage for it's new occupants?\nAnswer:");
        assertThat(first(ZeroShotTask.BOOLQ, 1).context()).startsWith("All biomass goes through").endsWith("\nQuestion: does ethanol take more energy make that produces?\nAnswer:");
        assertThat(first(ZeroShotTask.BOOLQ, 1).continuation()).isEqualTo(" yes");
        assertThat(first(ZeroShotTask.COPA, 1)).isEqualTo(new ZeroShotTask.Pair("The man turned on the faucet therefore", " water flowed from the spout."));
        assertThat(first(ZeroShotTask.OPENBOOKQA, 1).continuation()).isEqualTo(" quit eating lunch out");
        assertThat(first(ZeroShotTask.WINOGRANDE, 1)).isEqualTo(new ZeroShotTask.Pair("Sarah was a much better surgeon than Maria so Maria", " always got the easier cases."));
        assertThat(first(ZeroShotTask.LAMBADA_OPENAI, 0).continuation()).isEqualTo(" signs");
        assertThat(first(ZeroShotTask.LAMBADA_OPENAI, 0).context()).endsWith("I don't care about");
        var hs = ZeroShotTask.HELLASWAG.load(DIR, 1).get(0);
        assertThat(hs.requests().get(3)).isEqualTo(new ZeroShotTask.Pair("Roof shingle removal: A man is sitting on a roof. he", " starts pulling up roofing on a roof."));
        assertThat(hs.gold()).isEqualTo(3);
        assertThat(ZeroShotTask.ARC_CHALLENGE.load(DIR, 0)).hasSize(200);
    }

    @Test
    void lmEvalEncodingMovesTrailingSpacesAndCutsFromTheLeft() {
        try (Model m = TestData.stories()) {
            var tok = m.tokenizer();
            ZeroShot.Encoded e = ZeroShot.encode(tok, new ZeroShotTask.Pair("Once upon a time ", "there was"), false, 512);
            int[] whole = tok.encode("Once upon a time there was"), ctx = tok.encode("Once upon a time");
            assertThat(e.request().tokens()).containsExactly(whole);
            assertThat(e.request().continuationLength()).isEqualTo(whole.length - ctx.length);
            ZeroShot.Encoded bos = ZeroShot.encode(tok, new ZeroShotTask.Pair("Once upon a time", " there was"), true, 512);
            assertThat(bos.request().tokens()[0]).isEqualTo(tok.bos());
            ZeroShot.Encoded cut = ZeroShot.encode(tok, new ZeroShotTask.Pair("Once upon a time", " there was"), false, 4);
            assertThat(cut.truncated()).isTrue();
            assertThat(cut.request().tokens()).hasSize(5).endsWith(java.util.Arrays.copyOfRange(whole, whole.length - 5, whole.length));
        }
    }

    @Test
    void metricsAsLmEvalComputesThem() {
        double[] v = {1, 0, 1, 1};
        assertThat(ZeroShot.mean(v)).isEqualTo(0.75);
        // sample variance Σ(x − 0.75)² / 3 = 0.75 / 3 = 0.25, std 0.5, over √4
        assertThat(ZeroShot.stderr(v)).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-15));
    }

    /**
     * Shared prefixes change nothing but float32 rounding (a row's GEMM tile and attention blocking depend on the pass
     * it is in): each choice scored alone (a group of one) gives the same log-likelihood within 2e-5; a wrong
     * position or cache would be off by orders of magnitude more.
     */
    @Test
    void sharedPrefixScoringEqualsScoringEachChoiceAlone() {
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            List<ChoiceScorer.Request[]> grouped = new ArrayList<>(), alone = new ArrayList<>();
            for (ZeroShotTask t : List.of(ZeroShotTask.HELLASWAG, ZeroShotTask.WINOGRANDE, ZeroShotTask.PIQA)) {
                for (var it : t.load(DIR, 3)) {
                    ChoiceScorer.Request[] g = it.requests().stream().map(p -> ZeroShot.encode(m.tokenizer(), p, true, 512).request()).toArray(ChoiceScorer.Request[]::new);
                    assertThat(ChoiceScorer.sharedPrefix(g)).isPositive();
                    grouped.add(g);
                    for (ChoiceScorer.Request r : g) alone.add(new ChoiceScorer.Request[]{r});
                }
            }
            ChoiceScorer s = new ChoiceScorer(tf, 2048);
            ChoiceScorer.Score[][] a = s.score(grouped, ProgressListener.NONE), b = s.score(alone, ProgressListener.NONE);
            int k = 0;
            for (ChoiceScorer.Score[] g : a) {
                for (ChoiceScorer.Score x : g) {
                    int n = alone.get(k)[0].tokens().length;
                    ChoiceScorer.Score y = b[k++][0];
                    // float32 rounding that depends on the pass and the lane width (256 or 512 bits sum in other orders):
                    // a random walk of n positions' errors, 8·√n ulps of the log-likelihood's size (≈ 4e-4 on −130 nats
                    // over 40 tokens, where 512-bit lanes differ by 2.4e-5); a wrong position or cache is off by whole nats.
                    double tol = 8 * Math.sqrt(n) * Math.ulp((float) Math.abs(y.logLikelihood()));
                    assertThat(x.logLikelihood()).isCloseTo(y.logLikelihood(), org.assertj.core.data.Offset.offset(tol));
                    assertThat(x.greedy()).isEqualTo(y.greedy());
                }
            }
        }
    }

    /** llama.cpp on the same GGUF and the same token sequences: every choice's log-likelihood within 5e-5. */
    @Test
    void everyTaskMatchesLlamaCppPerChoice() {
        Path gguf = TestData.tempDir().resolve("zeroshot-stories.gguf");
        try (Model src = TestData.stories()) {
            GgufModelWriter.write(src, gguf, null, false);
        }
        assertThat(LlamaCppRunner.unavailableReason(gguf)).as("llama.cpp oracle unavailable").isNull();
        try (Model m = ModelLoader.load(gguf, null); Transformer tf = new Transformer(m, 2)) {
            List<ChoiceScorer.Request[]> groups = new ArrayList<>();
            List<int[]> tokens = new ArrayList<>();
            List<Integer> cont = new ArrayList<>();
            for (ZeroShotTask t : ZeroShotTask.values()) {
                for (var it : t.load(DIR, 2)) {
                    ChoiceScorer.Request[] g = it.requests().stream().map(p -> ZeroShot.encode(m.tokenizer(), p, true, 512).request()).toArray(ChoiceScorer.Request[]::new);
                    groups.add(g);
                    for (ChoiceScorer.Request r : g) {
                        tokens.add(r.tokens());
                        cont.add(r.continuationLength());
                    }
                }
            }
            ChoiceScorer.Score[][] ours = new ChoiceScorer(tf, 2048).score(groups, ProgressListener.NONE);
            JsonNode theirs = LlamaCppRunner.continuations(gguf, tokens, cont, 2).path("scores");
            assertThat(theirs.size()).isEqualTo(tokens.size());
            int k = 0;
            double worst = 0;
            for (ChoiceScorer.Score[] g : ours) {
                for (ChoiceScorer.Score s : g) {
                    JsonNode t = theirs.get(k++);
                    worst = Math.max(worst, Math.abs(s.logLikelihood() - t.get(0).asDouble()));
                    assertThat(s.greedy()).isEqualTo(t.get(1).asBoolean());
                }
            }
            System.out.printf("zero-shot: llama.cpp vs prune4j over %d choices of %d items: max |Δ log-likelihood| = %.3g%n", k, groups.size(), worst);
            assertThat(worst).isLessThan(5e-5);
        }
    }

    @Test
    void badTaskFilesAreOneLineErrors() throws Exception {
        Path dir = TestData.tempDir().resolve("bad-tasks");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("piqa.jsonl"), "{\"query\": \"q\", \"choices\": [\"a\", \"b\"], \"gold\": 2}\n");
        assertThatThrownBy(() -> ZeroShotTask.PIQA.load(dir, 0)).isInstanceOf(Prune4jException.class)
                .hasMessageContaining("piqa.jsonl").hasMessageContaining("line 1").hasMessageContaining("gold index 2 is outside the 2 choices");
        Files.writeString(dir.resolve("copa.jsonl"), "{\"query\": \"q\", \"choices\": [\"a\", \"\"], \"gold\": 0}\n");
        assertThatThrownBy(() -> ZeroShotTask.COPA.load(dir, 0)).hasMessageContaining("empty or non-string choice");
        Files.writeString(dir.resolve("boolq.jsonl"), "{\"question\": \"q\", \"answer\": true}\n");
        assertThatThrownBy(() -> ZeroShotTask.BOOLQ.load(dir, 0)).hasMessageContaining("unknown layout");
        Files.writeString(dir.resolve("hellaswag_val_full.txt"), "ctx\n7\na\nb\nc\nd\n");
        assertThatThrownBy(() -> ZeroShotTask.HELLASWAG.load(dir, 0)).hasMessageContaining("gold index 7");
        assertThatThrownBy(() -> ZeroShotTask.byId("mmlu")).hasMessageContaining("unknown task 'mmlu'");
        assertThatThrownBy(() -> ZeroShotTask.ARC_EASY.load(dir, 0)).hasMessageContaining("no such task file");
    }
}
