package org.prune4j.cli;

import org.prune4j.TestData;
import org.prune4j.io.GgufModelWriter;
import org.prune4j.io.HfWriter;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class of bad input gives exit code 1 and exactly one line on stderr naming the file and the problem:
 * no stack trace, no partial output.
 */
class BadInputTest {
    static Path dir, gguf, hf;

    @BeforeAll
    static void writeGoodFiles() {
        dir = TestData.tempDir();
        gguf = dir.resolve("good.gguf");
        hf = dir.resolve("good-hf");
        try (Model m = SyntheticModel.create(TestData.ragged(), 1, DType.F32)) {
            GgufModelWriter.write(m, gguf, null, false);
            HfWriter.write(m, hf, null, 0, false);
        }
    }

    /** Runs eval on the model and checks the one-line error mentions every given fragment. */
    private static void assertOneLineError(Path model, String... fragments) {
        CliRunner.Outcome o = CliRunner.run("eval", "--model", model.toString(), "--data", TestData.HEAD46.toString(), "--no-progress");
        assertThat(o.exit()).as(o.err()).isEqualTo(1);
        assertThat(o.out()).isEmpty();
        String err = o.err().strip();
        assertThat(err.lines().count()).as(err).isEqualTo(1);
        assertThat(err).startsWith("prune4j: ").doesNotContain("Exception").doesNotContain("\tat ");
        for (String f : fragments) assertThat(err).contains(f);
    }

    private static Path copyWith(Path src, String name, java.util.function.UnaryOperator<byte[]> edit) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, edit.apply(Files.readAllBytes(src)));
        return p;
    }

    @Test
    void truncatedLlama2cCheckpoint() throws Exception {
        Path p = copyWith(TestData.STORIES, "trunc.bin", b -> Arrays.copyOf(b, b.length - 1000));
        Files.copy(TestData.TOK512, dir.resolve("tok512.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertOneLineError(p, "trunc.bin", "truncated");
    }

    @Test
    void garbageHeaderIsNotALlama2cCheckpoint() throws Exception {
        Path p = copyWith(TestData.STORIES, "garbage.bin", b -> {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -77);
            return b;
        });
        assertOneLineError(p, "garbage.bin", "not a llama2.c checkpoint");
    }

    @Test
    void ggufWrongVersionAndTruncation() throws Exception {
        assertOneLineError(copyWith(gguf, "v9.gguf", b -> {
            b[4] = 9;
            return b;
        }), "v9.gguf", "version 9");
        assertOneLineError(copyWith(gguf, "cut.gguf", b -> Arrays.copyOf(b, b.length / 2)), "cut.gguf", "truncated");
        assertOneLineError(copyWith(gguf, "hdr.gguf", b -> Arrays.copyOf(b, 300)), "hdr.gguf");
    }

    @Test
    void ggufUnknownArchitectureAndDtype() throws Exception {
        assertOneLineError(copyWith(gguf, "arch.gguf", b -> replace(b, "deci", "gpt9")), "arch.gguf", "architecture 'gpt9'");
        // the first tensor info's type field: find "token_embd.weight", skip name, n_dims and two dims
        assertOneLineError(copyWith(gguf, "dtype.gguf", b -> {
            int at = indexOf(b, "token_embd.weight".getBytes()) + "token_embd.weight".length() + 4 + 16;
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 12); // GGML Q4_K
            return b;
        }), "dtype.gguf", "GGML type 12");
    }

    @Test
    void safetensorsHeaderPastTheEnd() throws Exception {
        Path bad = dir.resolve("bad-hf");
        copyTree(hf, bad);
        Path st = bad.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(st);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length * 4L);
        Files.write(st, b);
        assertOneLineError(bad, "model.safetensors", "header length");
    }

    /** A copy of the good HF folder whose config.json is rewritten by {@code edit}. */
    private static Path hfWithConfig(String name, java.util.function.UnaryOperator<String> edit) throws Exception {
        Path copy = dir.resolve(name);
        copyTree(hf, copy);
        Path cfg = copy.resolve("config.json");
        Files.writeString(cfg, edit.apply(Files.readString(cfg)));
        return copy;
    }

    @Test
    void configDisagreeingWithTensorsAndMissingTensors() throws Exception {
        assertOneLineError(hfWithConfig("wrong-config", c -> c.replace("\"hidden_size\" : 64", "\"hidden_size\" : 96")),
                "wrong-config", "shape", "config");
        Path missing = hfWithConfig("missing-tensor", c -> c.replace("\"tie_word_embeddings\" : false", "\"tie_word_embeddings\" : true")
                .replace("\"num_hidden_layers\" : 4", "\"num_hidden_layers\" : 5")
                .replaceFirst("\\[ \\{", "[ {\"num_attention_heads\":2,\"num_key_value_heads\":1,\"intermediate_size\":32}, {"));
        assertOneLineError(missing, "missing-tensor", "no tensor of layer 4 is present");
    }

    @Test
    void unknownHfArchitectureAndInvalidJson() throws Exception {
        assertOneLineError(hfWithConfig("arch-hf", c -> c.replace("LlamaForCausalLM", "GPTNeoXForCausalLM")),
                "config.json", "GPTNeoXForCausalLM");
        assertOneLineError(hfWithConfig("json-hf", c -> "{ not json"), "config.json", "not valid JSON");
    }

    @Test
    void tokenizerOfAnotherVocabulary() {
        CliRunner.Outcome o = CliRunner.run("eval", "--model", gguf.toString(), "--tokenizer", TestData.TOK512.toString(),
                "--data", TestData.HEAD46.toString());
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err().strip()).startsWith("prune4j: ").contains("tok512.bin").contains("vocabulary").hasLineCount(1);
    }

    @Test
    void badOptionValuesAndMissingFiles() {
        CliRunner.Outcome o = CliRunner.run("eval", "--model", TestData.STORIES.toString(), "--data", TestData.HEAD46.toString(), "--protocol", "paragraphs");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).contains("--protocol must be documents, stream, word or llm-pruner");
        o = CliRunner.run("eval", "--model", dir.resolve("nope.gguf").toString(), "--data", TestData.HEAD46.toString());
        assertThat(o.err().strip()).isEqualTo("prune4j: " + dir.resolve("nope.gguf") + ": no such file or folder");
        o = CliRunner.run("convert", "--model", TestData.STORIES.toString(), "--to", "gguf", "--out", gguf.toString());
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).contains("already exists");
    }

    /**
     * Absurd resource requests are refused with the numbers before anything is allocated (threads 10,000 hung,
     * 2³¹−1 and calib-samples 10⁹ ran out of memory, /dev/zero as text never ended); zero-shot option errors.
     */
    @Test
    void absurdRequestsAreRefusedBeforeAnyWork() {
        String[][] cases = {
                {"--threads", "10000", "--threads must be between 1 and"},
                {"--threads", "2147483647", "--threads must be between 1 and"},
                {"--batch-tokens", "-5", "--batch-tokens must be at least 1"},
        };
        for (String[] c : cases) {
            CliRunner.Outcome o = CliRunner.run("eval", "--model", TestData.STORIES.toString(), "--data", TestData.HEAD46.toString(), c[0], c[1], "--no-progress");
            assertThat(o.exit()).as(c[0] + " " + c[1]).isEqualTo(1);
            assertThat(o.err().strip()).startsWith("prune4j: ").contains(c[2]).doesNotContain("\tat ");
        }
        CliRunner.Outcome o = CliRunner.run("eval", "--model", TestData.STORIES.toString(), "--data", "/dev/zero", "--no-progress");
        assertThat(o.err().strip()).isEqualTo("prune4j: /dev/zero: is not a regular file (a device, pipe or folder cannot be read as input)");
        o = CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--method", "flap", "--ratio", "0.2", "--calib", TestData.HEAD46.toString(),
                "--calib-samples", "1000000000");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err().strip()).contains("--calib-samples 1000000000 × --calib-len 128").contains("ask for fewer windows");
        o = CliRunner.run("eval", "--model", TestData.STORIES.toString(), "--tasks", "mmlu", "--no-progress");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err().strip()).startsWith("prune4j: unknown task 'mmlu'");
        o = CliRunner.run("eval", "--model", TestData.STORIES.toString(), "--no-progress");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("give --data (perplexity), --tasks (zero-shot) or both");
    }

    /** Gradient-method settings: bad values and options of another method are one line, before any work. */
    @Test
    void badGradientMethodSettings() {
        String[][] cases = {
                {"--method", "mini-llm", "--zo-eps", "0"}, {"--method", "mini-llm", "--zo-samples", "0"},
                {"--method", "mini-llm", "--zo-scope", "block"}, {"--method", "taylor", "--taylor", "element9"},
                {"--method", "wanda-sp", "--zo-eps", "1e-3"}, {"--method", "taylor", "--layer-range", "5:5"}};
        for (String[] c : cases) {
            String[] args = new String[c.length + 7];
            System.arraycopy(new String[]{"plan", "--model", TestData.STORIES.toString(), "--ratio", "0.2", "--calib", TestData.HEAD46.toString()}, 0, args, 0, 7);
            System.arraycopy(c, 0, args, 7, c.length);
            CliRunner.Outcome o = CliRunner.run(args);
            assertThat(o.exit()).as(String.join(" ", c) + ": " + o.err()).isEqualTo(1);
            String err = o.err().strip();
            assertThat(err.lines().count()).as(err).isEqualTo(1);
            assertThat(err).contains(c[c.length - 2]);
        }
    }

    private static byte[] replace(byte[] b, String from, String to) {
        int i = indexOf(b, from.getBytes());
        System.arraycopy(to.getBytes(), 0, b, i, to.length());
        return b;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IllegalStateException("not found");
    }

    private static void copyTree(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
