package org.prune4j.cli;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;

import static org.assertj.core.api.Assertions.assertThat;

/** A usage mistake gives the one wrong option and a pointer to --help (exit 2), never the whole usage. */
class UsageErrorTest {
    @Test
    void unknownOptionAndBadValueAreTwoLines() {
        CliRunner.Outcome o = CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--ratoi", "0.2", "--out", "x.gguf");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err().strip().lines()).hasSize(2);
        assertThat(o.err()).contains("--ratoi").contains("Try 'prune4j prune --help'");
        CliRunner.Outcome v = CliRunner.run("prune", "--model", TestData.STORIES.toString(), "--ratio", "lots", "--out", "x.gguf");
        assertThat(v.exit()).isEqualTo(2);
        assertThat(v.err().strip().lines()).hasSize(2);
        assertThat(v.err()).contains("lots");
        assertThat(Main.oneLine("a\nb\u0001c")).isEqualTo("a b\\x01c");
    }
}
