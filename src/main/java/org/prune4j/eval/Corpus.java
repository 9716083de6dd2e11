package org.prune4j.eval;

import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.TextFiles;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns an evaluation text file into token sequences under one of the two protocols. */
public final class Corpus {
    public enum Protocol {
        /** Documents separated by {@code <|endoftext|>} lines, each BOS + tokens, truncated to the context. */
        DOCUMENTS,
        /** The whole file encoded once and cut into non-overlapping windows (WikiText-2 protocol of Wanda/FLAP). */
        STREAM,
        /**
         * lm-evaluation-harness's {@code wikitext} task: per page, rolling log-likelihood over windows of the
         * context (or {@code --seq-len}), word and byte perplexity ({@link WikitextPages}).
         */
        WORD,
        /** LLM-Pruner's PPLMetric: the stream protocol with 128-token windows (unless a window is given). */
        LLM_PRUNER;

        /** The name users type. */
        public String cliName() {
            return name().toLowerCase().replace('_', '-');
        }

        /** The window (or truncation) used: the one given, else 128 for llm-pruner, else the model's context. */
        public int window(int seqLen, int context) {
            return seqLen > 0 ? seqLen : this == LLM_PRUNER ? Math.min(128, context) : context;
        }
    }

    public static final String SEPARATOR = TextFiles.SEPARATOR;

    private Corpus() {}

    public static String readText(Path file) {
        return TextFiles.readText(file);
    }

    /** Documents: split on separator lines, strip, drop empties. */
    public static List<String> documents(String text) {
        return TextFiles.documents(text);
    }

    /**
     * Encodes per protocol. {@code seqLen} is the stream window (stream) or the truncation length (documents;
     * 0 means the model's context).
     */
    public static List<int[]> sequences(String text, Tokenizer tok, Protocol protocol, int seqLen, boolean bos) {
        List<int[]> out = new ArrayList<>();
        if (protocol == Protocol.DOCUMENTS) {
            for (String doc : documents(text)) {
                int[] ids = tok.encode(doc);
                int n = Math.min(ids.length + (bos ? 1 : 0), seqLen);
                int[] seq = new int[n];
                int o = 0;
                if (bos) seq[o++] = tok.bos();
                System.arraycopy(ids, 0, seq, o, n - o);
                out.add(seq);
            }
        } else if (protocol == Protocol.WORD) {
            throw new IllegalArgumentException("the word protocol scores rolling windows: use Perplexity.evaluate");
        } else {
            // As Wanda/FLAP (and LLM-Pruner) do it: BOS once at the start of the whole stream (when the model uses BOS), windows of
            // seqLen tokens, an incomplete tail dropped, tokens 1..seqLen-1 of each window scored.
            int[] enc = tok.encode(text);
            int[] ids = enc;
            if (bos) {
                ids = new int[enc.length + 1];
                ids[0] = tok.bos();
                System.arraycopy(enc, 0, ids, 1, enc.length);
            }
            for (int start = 0; start + seqLen <= ids.length; start += seqLen) {
                out.add(java.util.Arrays.copyOfRange(ids, start, start + seqLen));
            }
        }
        return out;
    }
}
