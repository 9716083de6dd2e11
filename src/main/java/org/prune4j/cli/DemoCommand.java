package org.prune4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The README's main job on the bundled stories260K: prune 20% of its parameters with FLAP (calibrated on
 * TinyStories train stories), measure perplexity before and after on held-out validation stories, write the pruned
 * model as GGUF, and generate from it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Prune the bundled stories260K with FLAP, evaluate before/after, write GGUF, generate (the README's first command).")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "2", description = "Worker threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--ratio", defaultValue = "0.2", description = "Fraction of parameters to remove (default: ${DEFAULT-VALUE})")
    String ratio;

    @Option(names = "--out", defaultValue = "out/stories260K-flap.gguf", description = "Where the pruned model goes (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
        Path home = Path.of(System.getProperty("prune4j.home", "."));
        Path model = home.resolve("data/stories260K/stories260K.bin");
        Path calib = home.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt");
        Path eval = home.resolve("data/tinystories/TinyStories-valid.head46.txt");
        if (!Files.exists(model)) throw new org.prune4j.util.Prune4jException(model + ": bundled model missing (run from a full checkout)");
        Path target = out.isAbsolute() ? out : home.resolve(out);
        System.out.println("== prune4j prune: FLAP, " + ratio + " of stories260K's parameters; calibration on TinyStories train, "
                + "perplexity on the 46 reference validation stories");
        int rc = Main.run("prune", "--model", model.toString(), "--method", "flap", "--ratio", ratio, "--calib", calib.toString(),
                "--calib-samples", "64", "--calib-len", "128", "--seed", "0", "--eval", eval.toString(), "--protocol", "documents",
                "--out", target.toString(), "--force", "--threads", "" + threads);
        if (rc != 0) return rc;
        System.out.println("\n== prune4j generate: the pruned model, greedy, 80 tokens from BOS");
        return Main.run("generate", "--model", target.toString(), "--max-tokens", "80", "--temperature", "0", "--threads", "" + threads);
    }
}
