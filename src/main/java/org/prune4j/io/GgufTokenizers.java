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
        int n = tokens.size();
        String[] pieces = tokens.stream().map(Object::toString).toArray(String[]::new);
        int[] types = new int[n];
        List<?> tt = md.get("tokenizer.ggml.token_type") instanceof List<?> l ? l : null;
        for (int i = 0; i < n; i++) types[i] = tt == null ? 1 : ((Number) tt.get(i)).intValue();
        int bos = id(md, "tokenizer.ggml.bos_token_id"), eos = id(md, "tokenizer.ggml.eos_token_id");
        switch (model) {
            case "llama" -> {
                float[] scores = new float[n];
                List<?> sc = md.get("tokenizer.ggml.scores") instanceof List<?> l ? l : null;
                for (int i = 0; i < n; i++) scores[i] = sc == null ? 0 : ((Number) sc.get(i)).floatValue();
                boolean addBos = !(md.get("tokenizer.ggml.add_bos_token") instanceof Boolean b) || b;
                boolean prefix = !(md.get("tokenizer.ggml.add_space_prefix") instanceof Boolean b2) || b2;
                return new SentencePieceTokenizer(pieces, scores, types, SPACE, prefix, bos, eos,
                        id(md, "tokenizer.ggml.unknown_token_id"), addBos && bos >= 0, null);
            }
            case "gpt2" -> {
                List<String[]> merges = new ArrayList<>();
                for (Object m : list(md, "tokenizer.ggml.merges", g)) {
                    String s = m.toString();
                    int sp = s.indexOf(' ', 1);
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

    private static int id(Map<String, Object> md, String key) {
        return md.get(key) instanceof Number n ? n.intValue() : -1;
    }
}
