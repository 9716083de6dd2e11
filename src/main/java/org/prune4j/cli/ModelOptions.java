package org.prune4j.cli;

import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;
import org.prune4j.util.Prune4jException;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every model-reading subcommand shares. */
public final class ModelOptions {
    @Option(names = "--model", required = true, description = "Checkpoint: HF folder, .gguf file, or llama2.c .bin file")
    Path model;

    @Option(names = "--tokenizer", description = "Tokenizer (tokenizer.bin, tokenizer.json or .gguf); default: the model's own or one beside it")
    Path tokenizer;

    @Option(names = "--threads", defaultValue = "2", description = "Worker threads (default: ${DEFAULT-VALUE})")
    int threads;

    Model load() {
        int most = Math.max(64, 8 * Runtime.getRuntime().availableProcessors());
        if (threads < 1 || threads > most) {
            throw new Prune4jException("--threads must be between 1 and " + most + " (this machine has " + Runtime.getRuntime().availableProcessors() + " cores), got " + threads);
        }
        org.prune4j.linalg.DoubleGemm.useThreads(threads); // the ICA / SVD products honour --threads too
        return ModelLoader.load(model, tokenizer);
    }

    Model loadWithTokenizer() {
        Model m = load();
        if (m.tokenizer() == null) {
            m.close();
            throw Prune4jException.inFile(model, "has no tokenizer and none was found beside it; pass --tokenizer");
        }
        return m;
    }
}
