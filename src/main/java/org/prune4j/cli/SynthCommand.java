package org.prune4j.cli;

import org.prune4j.io.ExportFormat;
import org.prune4j.model.Model;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.prune4j.util.Prune4jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a random-weight checkpoint of a named shape (for benchmarks and tests; no download needed).")
public final class SynthCommand implements Callable<Integer> {
    @Option(names = "--shape", defaultValue = "smollm-135m", description = "smollm-135m, llama-1b, llama-7b or tiny (default: ${DEFAULT-VALUE})")
    String shape;

    @Option(names = {"--format", "--to"}, defaultValue = "gguf", description = "gguf or hf (--to is the older name) (default: ${DEFAULT-VALUE})")
    String to;

    @Option(names = "--dtype", defaultValue = "f32", description = "f32, f16, bf16, q8_0 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--seed", defaultValue = "1", description = "Weight seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "Output file or folder")
    Path out;

    @Option(names = "--force", description = "Replace an existing output")
    boolean force;

    @Override
    public Integer call() {
        DType dt = CliParsing.dtype(dtype);
        Model m;
        try {
            m = SyntheticModel.lazy(SyntheticModel.preset(shape), seed, dt);
        } catch (IllegalArgumentException e) {
            throw new Prune4jException("--shape: " + e.getMessage());
        }
        ExportFormat.of(to).write(m, out, null, 0, force);
        System.out.printf("wrote %s: synthetic %s, %,d parameters, %s, seed %d%n", out, shape, m.config().totalParameters(), dt, seed);
        return 0;
    }
}
