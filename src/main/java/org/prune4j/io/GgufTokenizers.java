package org.prune4j.io;

import org.prune4j.tokenizer.ByteLevelBpeTokenizer;
import org.prune4j.tokenizer.SentencePieceTokenizer;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tokenizer ↔ GGUF {@code tokenizer.ggml.*} metadata, for the "llama" (SentencePiece) and "gpt2" (byte-level) models. */
public final class GgufTokenizers {
    private static final String SPACE = "\u2581";

    private GgufTokenizers() {}

    static Tokenizer read(GgufFile g) {
        Map<String, Object> md = g.metadata();
        String model = GgufModelReader.str(md, "tokenizer.ggml.model", g);
        List<?> tokens = list(md, "tokenizer.ggml.tokens", g);
        int n = HeaderChecks.count(g.path(), "tokenizer.ggml.tokens (its length)", tokens.size(), 1, HeaderChecks.MAX_VOCAB);
        String[] pieces = new String[n];
        for (int i = 0; i < n; i++) {
            if (!(tokens.get(i) instanceof String p)) throw Prune4jException.inFile(g.path(), "tokenizer.ggml.tokens[" + i + "] is not a string");
            pieces[i] = p;
        }
        int[] types = new int[n];
        List<?> tt = optionalList(md, "tokenizer.ggml.token_type", n, g);
        for (int i = 0; i < n; i++) types[i] = tt == null ? 1 : (int) number(tt.get(i), "tokenizer.ggml.token_type", i, g);
        int bos = id(md, "tokenizer.ggml.bos_token_id", n, g), eos = id(md, "tokenizer.ggml.eos_token_id", n, g);
        switch (model) {
            case "llama" -> {
                float[] scores = new float[n];
                List<?> sc = optionalList(md, "tokenizer.ggml.scores", n, g);
                for (int i = 0; i < n; i++) scores[i] = sc == null ? 0 : (float) number(sc.get(i), "tokenizer.ggml.scores", i, g);
                boolean addBos = !(md.get("tokenizer.ggml.add_bos_token") instanceof Boolean b) || b;
                boolean prefix = !(md.get("tokenizer.ggml.add_space_prefix") instanceof Boolean b2) || b2;
                return new SentencePieceTokenizer(pieces, scores, types, SPACE, prefix, bos, eos,
                        id(md, "tokenizer.ggml.unknown_token_id", n, g), addBos && bos >= 0, null);
            }
            case "gpt2" -> {
                List<String[]> merges = new ArrayList<>();
                for (Object m : list(md, "tokenizer.ggml.merges", g)) {
                    String s = m instanceof String x ? x : "";
                    int sp = s.indexOf(' ', 1);
                    if (sp < 0) throw Prune4jException.inFile(g.path(), "tokenizer.ggml.merges holds '" + m + "', not two tokens separated by a space");
                    merges.add(new String[]{s.substring(0, sp), s.substring(sp + 1)});
                }
                String pre = md.get("tokenizer.ggml.pre") instanceof String s ? s : "default";
                String pattern = switch (pre) {
                    case "llama-bpe", "llama3", "smollm" -> ByteLevelBpeTokenizer.LLAMA3_PATTERN;
                    case "qwen2" -> ByteLevelBpeTokenizer.QWEN2_PATTERN;
                    default -> ByteLevelBpeTokenizer.GPT2_PATTERN;
                };
                boolean[] special = new boolean[n];
                for (int i = 0; i < n; i++) special[i] = types[i] == SentencePieceTokenizer.CONTROL || types[i] == SentencePieceTokenizer.USER_DEFINED;
                boolean addBos = md.get("tokenizer.ggml.add_bos_token") instanceof Boolean b ? b : pre.equals("llama-bpe");
                return new ByteLevelBpeTokenizer(pieces, special, merges, pattern, pre.equals("qwen2"),
                        pre.equals("llama-bpe"), bos, eos, addBos && bos >= 0);
            }
            default -> throw Prune4jException.inFile(g.path(), "tokenizer model '" + model + "' is not supported (llama, gpt2 are)");
        }
    }

    /** Adds the tokenizer's metadata to a GGUF being written. */
    static void write(Tokenizer tok, GgufWriter w) {
        int n = tok.vocabSize();
        List<String> tokens = new ArrayList<>(n);
        List<Long> types = new ArrayList<>(n);
        if (tok instanceof SentencePieceTokenizer spm) {
            List<Double> scores = new ArrayList<>(n);
            float[] sc = spm.exportScores();
            for (int i = 0; i < n; i++) {
                String p = spm.piece(i);
                tokens.add(spm.type(i) == SentencePieceTokenizer.NORMAL ? p.replace(spm.marker(), SPACE) : p);
                scores.add((double) sc[i]);
                types.add((long) spm.type(i));
            }
            w.string("tokenizer.ggml.model", "llama")
                    .array("tokenizer.ggml.tokens", GgufFile.T_STRING, tokens)
                    .array("tokenizer.ggml.scores", GgufFile.T_F32, scores)
                    .array("tokenizer.ggml.token_type", GgufFile.T_I32, types);
            if (spm.unk() >= 0) w.u32("tokenizer.ggml.unknown_token_id", spm.unk());
        } else if (tok instanceof ByteLevelBpeTokenizer bpe) {
            for (int i = 0; i < n; i++) {
                tokens.add(bpe.piece(i));
                types.add(bpe.isSpecial(i) ? 3L : 1L);
            }
            String pre = bpe.pattern().equals(ByteLevelBpeTokenizer.LLAMA3_PATTERN) ? "llama-bpe"
                    : bpe.pattern().equals(ByteLevelBpeTokenizer.QWEN2_PATTERN) ? "qwen2" : "gpt-2";
            w.string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.pre", pre)
                    .array("tokenizer.ggml.tokens", GgufFile.T_STRING, tokens)
                    .array("tokenizer.ggml.token_type", GgufFile.T_I32, types)
                    .array("tokenizer.ggml.merges", GgufFile.T_STRING, bpe.mergeStrings());
        } else {
            throw new IllegalArgumentException("cannot export tokenizer " + tok.getClass().getSimpleName());
        }
        if (tok.bos() >= 0) w.u32("tokenizer.ggml.bos_token_id", tok.bos());
        if (tok.eos() >= 0) w.u32("tokenizer.ggml.eos_token_id", tok.eos());
        w.bool("tokenizer.ggml.add_bos_token", tok.addBos());
    }

    private static List<?> list(Map<String, Object> md, String key, GgufFile g) {
        if (!(md.get(key) instanceof List<?> l)) throw Prune4jException.inFile(g.path(), "missing array metadata " + key);
        return l;
    }

    /** A special token id: absent is -1, present must be an integer in the vocabulary. */
    private static int id(Map<String, Object> md, String key, int n, GgufFile g) {
        Object v = md.get(key);
        if (v == null) return -1;
        if (!(v instanceof Long x)) throw Prune4jException.inFile(g.path(), key + " is not an integer");
        return HeaderChecks.count(g.path(), key, x, 0, n - 1);
    }

    /** An optional per-token array: absent is null, present must have one entry per token. */
    private static List<?> optionalList(Map<String, Object> md, String key, int n, GgufFile g) {
        Object v = md.get(key);
        if (v == null) return null;
        if (!(v instanceof List<?> l) || l.size() != n) {
            throw Prune4jException.inFile(g.path(), key + " must be an array of " + n + " entries (one per token), got "
                    + (v instanceof List<?> l2 ? l2.size() + " entries" : "a scalar"));
        }
        return l;
    }

    private static double number(Object v, String key, int i, GgufFile g) {
        if (!(v instanceof Number x) || Double.isNaN(x.doubleValue())) throw Prune4jException.inFile(g.path(), key + "[" + i + "] is not a number");
        return x.doubleValue();
    }
}
