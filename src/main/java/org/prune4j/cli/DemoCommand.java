package org.prune4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The README's main job on the bundled stories260K: perplexity on the reference TinyStories text (which the
 * staged reference says is 3.397) and a greedy story. The pruning issue turns this into a pruning demo.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Evaluate and generate with the bundled stories260K model (the README's first command).")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "2", description = "Worker threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() {
        Path home = Path.of(System.getProperty("prune4j.home", "."));
        Path model = home.resolve("data/stories260K/stories260K.bin");
        Path text = home.resolve("data/tinystories/TinyStories-valid.head46.txt");
        if (!Files.exists(model)) throw new org.prune4j.util.Prune4jException(model + ": bundled model missing (run from a full checkout)");
        System.out.println("== prune4j eval: stories260K on 46 TinyStories validation stories (reference perplexity 3.397)");
        int rc = Main.run("eval", "--model", model.toString(), "--data", text.toString(), "--protocol", "documents",
                "--threads", "" + threads);
        if (rc != 0) return rc;
        System.out.println("\n== prune4j generate: greedy, 120 tokens from BOS");
        return Main.run("generate", "--model", model.toString(), "--max-tokens", "120", "--temperature", "0", "--threads", "" + threads);
    }
}
