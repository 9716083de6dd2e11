package org.prune4j.eval;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.util.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The perplexity protocols on hand-computable cases: the papers' row joins, lm-eval's rolling windows, word count
 * and detokenizer, and the word and llm-pruner protocols against the documents and stream protocols they reduce to.
 */
class ProtocolsTest {
    @Test
    void rowsAreJoinedAsTheLoadersJoinThem() {
        String file = "a b\n\n c\nd";
        // wikitext: rows "a b\n", "" (blank line), " c\n", "d" joined by blank lines
        assertThat(TextRows.WIKITEXT.join(file)).isEqualTo("a b\n\n\n\n\n c\n\n\nd");
        // ptb: rows stripped
        assertThat(TextRows.PTB.join(file)).isEqualTo("a b\n\n\n\nc\n\nd");
        assertThat(TextRows.FILE.join(file)).isEqualTo(file);
    }

    @Test
    void rollingWindowsPredictEveryTokenOnceWithAFullContext() {
        int[] t = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        List<WikitextPages.Window> w = WikitextPages.windows(t, 0, 4);
        assertThat(w).hasSize(3);
        assertThat(w.get(0).input()).containsExactly(0, 1, 2, 3);
        assertThat(w.get(0).targets()).containsExactly(1, 2, 3, 4);
        assertThat(w.get(1).input()).containsExactly(4, 5, 6, 7);
        assertThat(w.get(1).targets()).containsExactly(5, 6, 7, 8);
        assertThat(w.get(2).input()).containsExactly(6, 7, 8, 9); // its last two inputs predict 9 and 10
        assertThat(w.get(2).targets()).containsExactly(9, 10);
        assertThat(WikitextPages.windows(new int[] {7, 8}, 0, 4).get(0).input()).containsExactly(0, 7);
    }

    @Test
    void pagesWordsAndDetokenizerFollowTheWikitextTask() {
        String text = " = Alpha = \n\n Some text , here @-@ there .\n = = Part = = \n More 's ( x ) .\n = Beta = \n\n Last 1 @,@ 000 .\n";
        List<String> pages = WikitextPages.pages(text);
        assertThat(pages).hasSize(2);
        assertThat(pages.get(0)).startsWith(" = Alpha = ").contains(" = = Part = = ");
        assertThat(String.join("", pages)).isEqualTo(text);
        // re.split(r"\s+", " = Beta = \n\n Last 1 @,@ 000 .\n") = ['', '=', 'Beta', '=', 'Last', '1', '@,@', '000', '.', '']
        assertThat(WikitextPages.words(pages.get(1))).isEqualTo(10);
        // " . " needs a space after the period: a period before the newline stays detached, as in lm-eval
        assertThat(WikitextPages.detokenize(" Some text , here @-@ there . And\n")).isEqualTo(" Some text, here-there. And\n");
        assertThat(WikitextPages.detokenize("there .\n")).isEqualTo("there .\n");
        assertThat(WikitextPages.detokenize(" = = Part = = \n More 's ( x ) .")).isEqualTo(" == Part ==\nMore's (x) .");
        assertThat(WikitextPages.detokenize("1 @,@ 000 @.@ 5")).isEqualTo("1,000.5");
    }

    @Test
    void wordProtocolEqualsDocumentsOnAPageWithinOneWindowAndCountsEveryToken() throws Exception {
        String story = Corpus.documents(Corpus.readText(TestData.HEAD46)).get(0);
        assertThat(WikitextPages.detokenize(story)).isEqualTo(story);
        Path page = TestData.tempDir().resolve("page.txt");
        Files.writeString(page, story);
        try (Model m = TestData.stories(); Transformer tf = new Transformer(m, 2)) {
            Perplexity.Result doc = Perplexity.evaluate(tf, m.tokenizer(), page, Corpus.Protocol.DOCUMENTS, 0, 4096, ProgressListener.NONE);
            Perplexity.Result word = Perplexity.evaluate(tf, m.tokenizer(), page, Corpus.Protocol.WORD, 0, TextRows.FILE, 4096, ProgressListener.NONE);
            assertThat(word.tokens()).isEqualTo(doc.tokens()).isEqualTo(m.tokenizer().encode(story).length);
            assertThat(word.sumNll()).isCloseTo(doc.sumNll(), offset(1e-6 * doc.sumNll()));
            assertThat(word.words()).isEqualTo(story.split("\\s+").length);
            assertThat(word.wordPerplexity()).isCloseTo(Math.exp(word.sumNll() / word.words()), offset(1e-12));
            assertThat(word.bitsPerByte()).isCloseTo(word.sumNll() / story.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / Math.log(2), offset(1e-12));
            // Windows of 16: every token predicted once, each with at most 16 inputs; a shorter context scores worse.
            Perplexity.Result small = Perplexity.evaluate(tf, m.tokenizer(), page, Corpus.Protocol.WORD, 16, TextRows.FILE, 4096, ProgressListener.NONE);
            assertThat(small.tokens()).isEqualTo(word.tokens());
            assertThat(small.sumNll()).isGreaterThan(word.sumNll());
            // llm-pruner: the stream protocol with 128-token windows; BOS once, tokens 1..127 of each window scored.
            Perplexity.Result lp = Perplexity.evaluate(tf, m.tokenizer(), TestData.HEAD46, Corpus.Protocol.LLM_PRUNER, 0, TextRows.FILE, 4096, ProgressListener.NONE);
            Perplexity.Result st = Perplexity.evaluate(tf, m.tokenizer(), TestData.HEAD46, Corpus.Protocol.STREAM, 128, TextRows.FILE, 4096, ProgressListener.NONE);
            int streamTokens = 1 + m.tokenizer().encode(Corpus.readText(TestData.HEAD46)).length;
            assertThat(lp.tokens()).isEqualTo((streamTokens / 128) * 127L).isEqualTo(st.tokens());
            assertThat(lp.sumNll()).isEqualTo(st.sumNll());
        }
    }
}
