package org.prune4j.engine;

import org.prune4j.util.ProgressListener;
import org.prune4j.TestData;
import org.prune4j.eval.Corpus;
import org.prune4j.eval.Generator;
import org.prune4j.eval.Perplexity;
import org.prune4j.engine.TokenScorer;
import org.prune4j.model.Model;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** stories260K against the reference outputs staged with it (llama2.c's run.c and a numpy reference). */
class StoriesReferenceTest {

    @Test
    void greedy200FromBosMatchesLlama2c() throws Exception {
        int[] expected = TestData.tokensOf(Files.readString(TestData.ROOT.resolve("data/stories260K/expected_greedy_200_ids.txt")));
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            int[] got = Generator.generate(tf, new int[]{m.tokenizer().bos()}, 200, 0f, 0, -1, t -> {});
            assertThat(got).containsExactly(expected);
            String text = m.tokenizer().decode(got, true);
            String expectedText = Files.readString(TestData.ROOT.resolve("data/stories260K/expected_greedy_200.txt"));
            assertThat(expectedText.replaceAll("\\n$", "")).startsWith(text.substring(0, 150));
        }
    }

    @Test
    void documentNllMatchesReferencePerStory() throws Exception {
        List<String> rows = Files.readAllLines(TestData.ROOT.resolve("data/stories260K/expected_nll_tinystories_head46.tsv"));
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            Perplexity.Result r = Perplexity.evaluate(tf, m.tokenizer(), TestData.HEAD46, Corpus.Protocol.DOCUMENTS, 0, 2048,
                    ProgressListener.NONE);
            assertThat(r.tokens()).isEqualTo(14_721);
            assertThat(r.meanNll()).isCloseTo(1.22289, within(1.22289 * 1e-4));
            assertThat(r.sequenceNll()).hasSize(46);
            for (int i = 0; i < 46; i++) {
                String[] f = rows.get(i + 1).split("\t");
                assertThat(r.sequenceTokens()[i] + 1).as("tokens of story %d", i).isEqualTo(Integer.parseInt(f[1]));
                double want = Double.parseDouble(f[2]);
                assertThat(r.sequenceNll()[i]).as("NLL of story %d", i).isCloseTo(want, within(Math.abs(want) * 1e-4));
            }
        }
    }

    @Test
    void versionOneCheckpointHasIdenticalWeights() {
        try (Model legacy = TestData.stories(); Model v1 = org.prune4j.io.ModelLoader.load(TestData.STORIES_V1, TestData.TOK512)) {
            int[] toks = legacy.tokenizer().encode("Once upon a time, a cat sat.");
            assertThat(TestData.relError(TestData.logits(legacy, toks), TestData.logits(v1, toks))).isLessThan(1e-6);
        }
    }
}
