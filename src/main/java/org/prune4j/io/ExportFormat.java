package org.prune4j.io;

import org.prune4j.model.Model;
import org.prune4j.tensor.DType;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.Locale;

/** The formats a model is written in: GGUF (llama.cpp) or a Hugging Face folder (safetensors + config.json). */
public enum ExportFormat {
    GGUF, HF;

    /** By the lower-case name users type (gguf, hf). */
    public static ExportFormat of(String name) {
        for (ExportFormat f : values()) if (f.cliName().equals(name)) return f;
        throw new Prune4jException("the output format must be gguf or hf, got '" + name + "'");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param dtype      weight dtype, or null to keep each tensor's own
     * @param shardBytes hf only: largest safetensors shard (0 = one file)
     */
    public void write(Model model, Path out, DType dtype, long shardBytes, boolean overwrite) {
        switch (this) {
            case GGUF -> GgufModelWriter.write(model, out, dtype, overwrite);
            case HF -> {
                if (dtype == DType.Q8_0) throw new Prune4jException("Q8_0 is GGUF-only: safetensors has no such dtype");
                HfWriter.write(model, out, dtype, shardBytes, overwrite);
            }
        }
    }
}
