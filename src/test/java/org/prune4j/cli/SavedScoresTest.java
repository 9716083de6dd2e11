package org.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.prune4j.TestData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scores saved once are allocated again at another ratio without scoring: the plan equals the plan of a full run
 * at that ratio, and the re-allocation needs no calibration text (so nothing was scored).
 */
class SavedScoresTest {
    static final String CALIB = TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt").toString();

    static JsonNode plan(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("plan", "--model", TestData.STORIES.toString(), "--json", "--seed", "2"));
        a.addAll(List.of(args));
        CliRunner.Outcome o = CliRunner.run(a.toArray(String[]::new));
        assertThat(o.exit()).as(o.err()).isZero();
        return new ObjectMapper().readTree(o.out()).get("plan");
    }

    @Test
    void savedScoresReallocateAtAnotherRatioWithoutScoring() throws Exception {
        Path dir = TestData.tempDir(), file = dir.resolve("wanda.scores.json");
        String[] calib = {"--calib", CALIB, "--calib-samples", "8", "--calib-len", "64"};
        JsonNode at20 = plan(concat(new String[]{"--method", "wanda-sp", "--ratio", "0.2", "--save-scores", file.toString()}, calib));
        assertThat(Files.exists(file)).isTrue();
        JsonNode at40 = plan(concat(new String[]{"--method", "wanda-sp", "--ratio", "0.4"}, calib));
        // No --calib: wanda-sp could not score, so the plan comes from the saved scores alone.
        assertThat(plan("--method", "wanda-sp", "--ratio", "0.4", "--scores", file.toString())).isEqualTo(at40);
        assertThat(plan("--method", "wanda-sp", "--ratio", "0.2", "--scores", file.toString())).isEqualTo(at20);
        assertThat(at40).isNotEqualTo(at20);
        // Another allocation over the same scores.
        assertThat(plan("--method", "wanda-sp", "--ratio", "0.4", "--allocation", "global", "--scores", file.toString()))
                .isEqualTo(plan(concat(new String[]{"--method", "wanda-sp", "--ratio", "0.4", "--allocation", "global"}, calib)));

        CliRunner.Outcome other = CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--method", "magnitude", "--ratio", "0.2", "--scores", file.toString());
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err().strip()).isEqualTo("prune4j: the saved scores are wanda-sp's, not magnitude's");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(file).replace("\"heads\":[8,", "\"heads\":[7,"));
        CliRunner.Outcome shape = CliRunner.run("plan", "--model", TestData.STORIES.toString(), "--method", "wanda-sp", "--ratio", "0.2", "--scores", bad.toString());
        assertThat(shape.exit()).isEqualTo(1);
        assertThat(shape.err()).contains(bad.toString()).contains("layer 0 was scored with another shape");
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
