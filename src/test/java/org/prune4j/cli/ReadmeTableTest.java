package org.prune4j.cli;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's table of methods is what the catalogue's declarations print ({@code prune4j methods --markdown}). */
class ReadmeTableTest {
    @Test
    void theReadmeMethodTableComesFromTheDeclarations() throws Exception {
        String readme = Files.readString(TestData.ROOT.resolve("README.md"));
        CliRunner.Outcome o = CliRunner.run("methods", "--markdown");
        assertThat(o.exit()).isZero();
        assertThat(o.out().strip().lines().count()).isGreaterThanOrEqualTo(12); // header, rule and the ten built-in methods
        assertThat(readme).as("README.md's method table: regenerate it with ./prune4j methods --markdown").contains(o.out().strip());
    }
}
