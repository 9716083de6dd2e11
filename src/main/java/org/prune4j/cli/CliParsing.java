package org.prune4j.cli;

import org.prune4j.eval.Corpus;
import org.prune4j.tensor.DType;
import org.prune4j.util.Prune4jException;

/** Option values parsed with one-line errors that list what is accepted. */
final class CliParsing {
    private CliParsing() {}

    static Corpus.Protocol protocol(String s) {
        return switch (s) {
            case "documents" -> Corpus.Protocol.DOCUMENTS;
            case "stream" -> Corpus.Protocol.STREAM;
            case "word" -> Corpus.Protocol.WORD;
            case "llm-pruner" -> Corpus.Protocol.LLM_PRUNER;
            default -> throw new Prune4jException("--protocol must be documents, stream, word or llm-pruner, got '" + s + "'");
        };
    }

    static DType dtype(String s) {
        if (s == null) return null;
        return switch (s.toLowerCase()) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "bf16" -> DType.BF16;
            case "q8_0" -> DType.Q8_0;
            default -> throw new Prune4jException("--dtype must be f32, f16, bf16 or q8_0, got '" + s + "'");
        };
    }

    /** Puts each {name, value} pair whose value was given (non-null) into a method-options map. */
    static void putGiven(java.util.Map<String, String> options, String[][] given) {
        for (String[] g : given) if (g[1] != null) options.put(g[0], g[1]);
    }
}
