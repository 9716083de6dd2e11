package org.prune4j.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SentencePiece-style BPE with byte fallback: LLaMA-1/2, Mistral, TinyLlama and the llama2.c "stories" models.
 * Text gets a dummy-prefix space, spaces become the marker (U+2581, or a plain space in llama2.c's tokenizer.bin),
 * each code point starts as its own piece (or as {@code <0xNN>} byte pieces when absent), then pieces merge by
 * score (SentencePiece, GGUF) or by merge rank (HF tokenizer.json).
 */
public final class SentencePieceTokenizer implements Tokenizer {
    /** SentencePiece piece types, numbered as in its model proto and GGUF's token_type array. */
    public static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    private final String[] pieces;
    private final float[] scores;
    private final int[] types;
    private final Map<String, Integer> vocab = new HashMap<>();
    private final int[] byteIds = new int[256];
    private final String marker;
    private final boolean addDummyPrefix;
    private final int bos, eos, unk;
    private final boolean addBos;
    private final PairTable merges;
    private final SpecialSplitter specials;
    private final boolean rankBased;

    /**
     * @param merges rank-ordered merges (HF); null to merge by {@code scores} (SentencePiece / GGUF / llama2.c)
     */
    public SentencePieceTokenizer(String[] pieces, float[] scores, int[] types, String marker, boolean addDummyPrefix,
                                  int bos, int eos, int unk, boolean addBos, List<String[]> merges) {
        this.pieces = pieces;
        this.scores = scores;
        this.types = types;
        this.marker = marker;
        this.addDummyPrefix = addDummyPrefix;
        this.bos = bos;
        this.eos = eos;
        this.unk = unk;
        this.addBos = addBos;
        this.rankBased = merges != null;
        java.util.Arrays.fill(byteIds, -1);
        boolean[] mergeable = new boolean[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            if (types[i] == BYTE) {
                int b = parseByte(pieces[i]);
                if (b >= 0) byteIds[b] = i;
                continue;
            }
            vocab.putIfAbsent(pieces[i], i);
            mergeable[i] = types[i] == NORMAL || types[i] == USER_DEFINED;
        }
        this.merges = merges != null ? PairTable.fromMerges(merges, vocab) : PairTable.fromScores(pieces, scores, mergeable, vocab);
        List<String> userDefined = new java.util.ArrayList<>();
        for (int i = 0; i < pieces.length; i++) if (types[i] == CONTROL || types[i] == USER_DEFINED) userDefined.add(pieces[i]);
        this.specials = merges != null ? new SpecialSplitter(userDefined, vocab) : null;
    }

    static int parseByte(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return Integer.parseInt(piece.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    @Override
    public int[] encode(String text) {
        if (text.isEmpty()) return new int[0];
        if (specials == null) return encodePlain(text, true);
        // HF semantics: added/special tokens written in the text are matched first, the rest is normalised.
        java.util.ArrayList<int[]> parts = new java.util.ArrayList<>();
        for (SpecialSplitter.Segment s : specials.split(text)) {
            // HF normalises every piece of text between added tokens on its own, dummy prefix included.
            parts.add(s.specialId() >= 0 ? new int[]{s.specialId()} : encodePlain(s.text(), true));
        }
        return parts.stream().flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private int[] encodePlain(String text, boolean prefix) {
        String norm = (addDummyPrefix && prefix ? " " : "") + text;
        if (!marker.equals(" ")) norm = norm.replace(" ", marker);
        int[] ids = new int[norm.length() * 4];
        int n = 0;
        for (int i = 0; i < norm.length(); ) {
            int cp = norm.codePointAt(i);
            int len = Character.charCount(cp);
            Integer id = vocab.get(norm.substring(i, i + len));
            if (id != null && types[id] != CONTROL) {
                ids[n++] = id;
            } else {
                for (byte b : norm.substring(i, i + len).getBytes(StandardCharsets.UTF_8)) {
                    int bid = byteIds[b & 0xFF];
                    ids[n++] = bid >= 0 ? bid : unk;
                }
            }
            i += len;
        }
        return BpeMerger.merge(ids, n, merges);
    }

    @Override
    public String decode(int[] ids, boolean afterBos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean first = afterBos;
        for (int id : ids) {
            if (id < 0 || id >= pieces.length) throw new IllegalArgumentException("token id " + id + " outside vocabulary of " + pieces.length);
            if (types[id] == BYTE) {
                out.write(parseByte(pieces[id]));
            } else if (types[id] != CONTROL) {
                String p = pieces[id].replace(marker, " ");
                if (first && p.startsWith(" ")) p = p.substring(1);
                out.writeBytes(p.getBytes(StandardCharsets.UTF_8));
            }
            first = false;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override public int vocabSize() { return pieces.length; }
    @Override public String piece(int id) { return pieces[id]; }
    @Override public int bos() { return bos; }
    @Override public int eos() { return eos; }
    @Override public boolean addBos() { return addBos; }
    @Override public String kind() { return "spm"; }

    /**
     * Scores that make score-ordered merging (GGUF, llama.cpp) reproduce this tokenizer. Loaded from a
     * rank-ordered tokenizer.json there are no real scores: each piece gets minus the best rank producing it.
     */
    public float[] exportScores() {
        if (!rankBased) return scores.clone();
        float[] out = new float[pieces.length];
        java.util.Arrays.fill(out, -1e9f);
        merges.forEachRule((priority, merged) -> out[merged] = Math.max(out[merged], -priority));
        for (int i = 0; i < out.length; i++) if (out[i] == -1e9f) out[i] = types[i] == NORMAL ? 0f : -1e9f;
        return out;
    }

    /** Merges in priority order as "left right" strings with the marker written as U+2581 (tokenizer.json form). */
    public java.util.List<String> mergeStrings() {
        return merges.ranked(id -> pieces[id].replace(marker, "\u2581"));
    }

    /** Whether text gets a leading marker before encoding. */
    public boolean addDummyPrefix() { return addDummyPrefix; }

    public float score(int id) { return scores[id]; }
    public int type(int id) { return types[id]; }
    public String marker() { return marker; }
    public int unk() { return unk; }
}
