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
        // The catalogue's methods only: another test may have registered one of its own in this JVM.
        java.util.Set<String> catalogued = new java.util.HashSet<>();
        for (org.prune4j.criteria.Criterion c : java.util.ServiceLoader.load(org.prune4j.criteria.Criterion.class)) catalogued.add(c.name());
        String table = String.join("\n", o.out().strip().lines()
                .filter(l -> !l.startsWith("| `") || catalogued.contains(l.substring(3, l.indexOf('`', 3)))).toList());
        assertThat(table.lines().count()).isEqualTo(2 + catalogued.size()); // header, rule and a row per catalogued method
        assertThat(catalogued).hasSize(10);
        assertThat(readme).as("README.md's method table: regenerate it with ./prune4j methods --markdown").contains(table);
    }
}
