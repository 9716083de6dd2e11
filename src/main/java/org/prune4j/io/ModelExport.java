package org.prune4j.io;

import org.prune4j.model.Model;
import org.prune4j.tensor.DType;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;

/** Writes a model in one of the two output formats, by the name the CLI uses. */
public final class ModelExport {
    private ModelExport() {}

    /**
     * @param format     "gguf" or "hf"
     * @param dtype      weight dtype, or null to keep each tensor's own
     * @param shardBytes hf only: largest safetensors shard (0 = one file)
     */
    public static void write(Model model, Path out, String format, DType dtype, long shardBytes, boolean overwrite) {
        switch (format) {
            case "gguf" -> GgufModelWriter.write(model, out, dtype, overwrite);
            case "hf" -> {
                if (dtype == DType.Q8_0) throw new Prune4jException("--dtype q8_0 is GGUF-only: safetensors has no such dtype");
                HfWriter.write(model, out, dtype, shardBytes, overwrite);
            }
            default -> throw new Prune4jException("the output format must be gguf or hf, got '" + format + "'");
        }
    }
}
