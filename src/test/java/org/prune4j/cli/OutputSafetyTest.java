package org.prune4j.cli;

import org.junit.jupiter.api.Test;
import org.prune4j.TestData;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** --force replaces only what prune4j writes: folders and foreign files survive, odd paths are refused. */
class OutputSafetyTest {
    static final String MODEL = TestData.STORIES.toString();

    static String refused(CliRunner.Outcome o) {
        assertThat(o.exit()).as(o.err()).isEqualTo(1);
        assertThat(o.err().strip()).hasLineCount(1).startsWith("prune4j: ");
        return o.err();
    }

    @Test
    void forceNeverDeletesAFolderOrForeignFiles() throws Exception {
        Path dir = TestData.tempDir();
        Path keep = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(keep.resolve("notes.txt"), "precious");
        // A file output over an existing folder.
        assertThat(refused(CliRunner.run("convert", "--model", MODEL, "--to", "gguf", "--out", keep.toString(), "--force"))).contains("is a folder");
        // An HF output over a folder holding a foreign file.
        assertThat(refused(CliRunner.run("convert", "--model", MODEL, "--to", "hf", "--out", keep.toString(), "--force"))).contains("notes.txt");
        assertThat(Files.readString(keep.resolve("notes.txt"))).isEqualTo("precious");
        // Paths that name no output of their own.
        for (String bad : new String[]{"", ".", "..", keep + "/.."}) {
            assertThat(refused(CliRunner.run("convert", "--model", MODEL, "--to", "gguf", "--out", bad, "--force"))).contains("not an output path");
        }
        assertThat(Files.readString(keep.resolve("notes.txt"))).isEqualTo("precious");
    }

    @Test
    void forceReplacesWhatPrune4jWrote() throws Exception {
        Path dir = TestData.tempDir();
        Path hf = dir.resolve("hf"), gguf = dir.resolve("m.gguf");
        assertThat(CliRunner.run("convert", "--model", MODEL, "--to", "hf", "--out", hf.toString()).exit()).isZero();
        assertThat(CliRunner.run("convert", "--model", MODEL, "--to", "hf", "--out", hf.toString(), "--force").exit()).isZero();
        assertThat(hf.resolve("model.safetensors")).exists();
        Files.writeString(gguf, "an older file");
        assertThat(CliRunner.run("convert", "--model", MODEL, "--to", "gguf", "--out", gguf.toString(), "--force").exit()).isZero();
        assertThat(Files.size(gguf)).isGreaterThan(100_000);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("hf", "m.gguf"); // no temporaries left
        }
    }

    @Test
    void staleTemporariesOfAKilledRunAreRemovedByTheNextRun() throws Exception {
        Path dir = TestData.tempDir();
        long dead = 4_000_000_000L; // above any pid_max: no such process
        Path stale = dir.resolve(".m.gguf.tmp-" + dead), foreign = dir.resolve(".m.gguf.tmp-notapid");
        Files.writeString(stale, "half-written");
        Files.writeString(foreign, "someone else's");
        assertThat(CliRunner.run("convert", "--model", MODEL, "--to", "gguf", "--out", dir.resolve("m.gguf").toString()).exit()).isZero();
        assertThat(stale).doesNotExist();
        assertThat(foreign).exists();
    }
}
