package org.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.prune4j.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The CLI contract of the engine issue: commands and flags as written, JSON fields present. */
class CliContractTest {
    private static JsonNode json(CliRunner.Outcome o) throws Exception {
        assertThat(o.exit()).as(o.err()).isZero();
        return new ObjectMapper().readTree(o.out());
    }

    @Test
    void evalDocumentsJson() throws Exception {
        JsonNode j = json(CliRunner.run("eval", "--model", TestData.STORIES.toString(), "--tokenizer", TestData.TOK512.toString(),
                "--data", TestData.HEAD46.toString(), "--protocol", "documents", "--json", "--no-progress"));
        assertThat(j.path("tokens").asLong()).isEqualTo(14_721);
        assertThat(j.path("meanNll").asDouble()).isCloseTo(1.22289, within(1.3e-4));
        assertThat(j.path("perplexity").asDouble()).isCloseTo(Math.exp(j.path("meanNll").asDouble()), within(1e-9));
        assertThat(j.path("config").path("protocol").asText()).isEqualTo("documents");
        assertThat(j.path("config").path("seqLen").asInt()).isEqualTo(512);
    }

    @Test
    void evalStreamUsesNonOverlappingWindows() throws Exception {
        JsonNode j = json(CliRunner.run("eval", "--model", TestData.STORIES.toString(), "--data", TestData.HEAD46.toString(),
                "--protocol", "stream", "--seq-len", "128", "--json", "--no-progress"));
        long windows = j.path("sequences").asLong();
        assertThat(j.path("tokens").asLong()).isEqualTo(windows * 127);
        assertThat(windows).isGreaterThan(50);
        assertThat(j.path("perplexity").asDouble()).isBetween(2.0, 10.0);
    }

    @Test
    void generateGreedyJsonExcludesThePrompt() throws Exception {
        JsonNode j = json(CliRunner.run("generate", "--model", TestData.STORIES.toString(), "--max-tokens", "200", "--temperature", "0", "--json"));
        int[] expected = TestData.tokensOf(Files.readString(TestData.ROOT.resolve("data/stories260K/expected_greedy_200_ids.txt")));
        assertThat(j.path("tokens").size()).isEqualTo(200);
        for (int i = 0; i < 200; i++) assertThat(j.path("tokens").get(i).asInt()).isEqualTo(expected[i]);
        assertThat(j.path("text").asText()).startsWith("Once upon a time, there was a little girl named Lily.");
        JsonNode p = json(CliRunner.run("generate", "--model", TestData.STORIES.toString(), "--prompt", "Once upon a time",
                "--max-tokens", "5", "--temperature", "0", "--json"));
        assertThat(p.path("tokens").size()).isEqualTo(5);
        assertThat(p.path("promptTokens").get(0).asInt()).isEqualTo(1);
    }

    @Test
    void convertWritesLoadableFilesAndRefusesToOverwrite() throws Exception {
        Path dir = TestData.tempDir();
        for (String to : new String[]{"gguf", "hf"}) {
            Path out = dir.resolve("m." + to);
            CliRunner.Outcome o = CliRunner.run("convert", "--model", TestData.STORIES.toString(), "--to", to, "--out", out.toString(), "--json");
            assertThat(json(o).path("format").asText()).isEqualTo(to);
            JsonNode e = json(CliRunner.run("eval", "--model", out.toString(), "--data", TestData.HEAD46.toString(), "--json", "--no-progress"));
            assertThat(e.path("meanNll").asDouble()).isCloseTo(1.22289, within(1.3e-4));
        }
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[]{"eval", "generate", "convert", "bench", "synth"}) {
            CliRunner.Outcome o = CliRunner.run(cmd, "--help");
            assertThat(o.exit()).isZero();
            assertThat(o.out()).contains("Usage: prune4j " + cmd);
        }
    }
}
