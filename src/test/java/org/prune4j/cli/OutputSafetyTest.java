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

    /**
     * kill -9 in the middle of replacing an output: the old file is untouched (the new one only ever existed under
     * its temporary name), and the next run into the same folder removes the dead run's temporary. SIGTERM instead:
     * the shutdown hook removes the temporary at once.
     */
    @Test
    void killedReplacementLeavesTheOldOutputWhole() throws Exception {
        Path dir = TestData.tempDir(), big = dir.resolve("big.gguf"), out = dir.resolve("out.gguf");
        java.util.List<org.prune4j.model.LayerShape> layers = new java.util.ArrayList<>();
        for (int l = 0; l < 8; l++) layers.add(new org.prune4j.model.LayerShape(8, 8, 64, 1536, false, false, false));
        var cfg = new org.prune4j.model.ModelConfig("llama", 512, 1024, 1e-5f, 10000f, null, org.prune4j.model.RopeStyle.INTERLEAVED, false, 256, layers);
        try (var m = org.prune4j.model.SyntheticModel.create(cfg, 5, org.prune4j.tensor.DType.F32)) {
            org.prune4j.io.GgufModelWriter.write(m, big, null, false);
        }
        Files.writeString(out, "the user's previous output");
        for (boolean sigkill : new boolean[] {true, false}) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "convert", "--model", big.toString(), "--to", "gguf",
                    "--dtype", "f32", "--out", out.toString(), "--force").redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            Path tmp = dir.resolve(".out.gguf.tmp-" + p.pid());
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && !(Files.exists(tmp) && Files.size(tmp) > 1 << 20)) Thread.sleep(5);
            assertThat(tmp).as("the child is writing its temporary (" + Files.readString(dir.resolve("child.log")) + ")").exists();
            if (sigkill) p.destroyForcibly(); else p.destroy();
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(out)).isEqualTo("the user's previous output");
            if (sigkill) {
                assertThat(tmp).as("kill -9 runs no cleanup").exists();
            } else {
                assertThat(tmp).as("SIGTERM: the shutdown hook removed the temporary").doesNotExist();
            }
        }
        // The next run completes the replacement and removes the killed run's leftovers.
        assertThat(CliRunner.run("convert", "--model", big.toString(), "--to", "gguf", "--out", out.toString(), "--force").exit()).isZero();
        try (var s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList()).isEmpty();
        }
        assertThat(Files.size(out)).isEqualTo(Files.size(big));
    }
}
