package org.prune4j.cli;

import org.prune4j.io.ExportFormat;
import org.prune4j.model.Model;
import org.prune4j.tensor.DType;
import org.prune4j.util.Prune4jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Write a model as GGUF (llama, or deci when layers differ) or as a Hugging Face safetensors folder.")
public final class ConvertCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = {"--format", "--to"}, required = true, description = "gguf or hf (--to is the older name)")
    String to;

    @Option(names = "--out", required = true, description = "Output file (gguf) or folder (hf); must not exist unless --force")
    Path out;

    @Option(names = "--dtype", description = "Weight dtype of the output: f32, f16, bf16, q8_0 (gguf only); default: as stored")
    String dtype;

    @Option(names = "--shard-mb", defaultValue = "0", description = "hf: split safetensors into shards of at most this many MiB (0 = one file)")
    long shardMb;

    @Option(names = "--force", description = "Replace an existing output")
    boolean force;

    @Option(names = "--json", description = "Print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        DType dt = CliParsing.dtype(dtype);
        if (shardMb < 0 || shardMb > 1 << 20) throw new Prune4jException("--shard-mb must be 0 (one file) or 1.." + (1 << 20) + " MiB, got " + shardMb);
        long t0 = System.nanoTime();
        try (Model model = opts.load()) {
            ExportFormat.of(to).write(model, out, dt, shardMb * 1024 * 1024, force);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("out", out.toString());
            o.put("format", to);
            o.put("dtype", dt == null ? "as stored" : dt.name());
            o.put("seconds", (System.nanoTime() - t0) / 1e9);
            o.put("model", Json.describe(model.config()));
            if (json) Json.print(o);
            else System.out.printf("wrote %s (%s, %s)%n", out, to, o.get("dtype"));
        }
        return 0;
    }
}
