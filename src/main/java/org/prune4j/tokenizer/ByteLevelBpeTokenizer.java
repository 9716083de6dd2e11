package org.prune4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE (GPT-2, LLaMA-3, Qwen2): special tokens are split off, the rest is cut into words by the
 * model's pre-tokenizer regex, each word's UTF-8 bytes are mapped to printable characters (GPT-2's byte table)
 * and merged by rank.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    /** GPT-2's original split pattern (HF ByteLevel with use_regex=true). */
    public static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    public static final String LLAMA3_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    public static final String QWEN2_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        // GPT-2's table: printable Latin-1 bytes map to themselves, the others to U+0100 upwards, in byte order.
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private final String[] pieces;
    private final boolean[] special;
    private final Map<String, Integer> vocab;
    private final PairTable merges;
    private final Pattern split;
    private final String patternText;
    private final boolean nfc;
    private final boolean ignoreMerges;
    private final SpecialSplitter specials;
    private final int bos, eos;
    private final boolean addBos;
    private final Map<String, int[]> cache = new java.util.concurrent.ConcurrentHashMap<>();

    public ByteLevelBpeTokenizer(String[] pieces, boolean[] special, List<String[]> merges, String pattern,
                                 boolean nfc, boolean ignoreMerges, int bos, int eos, boolean addBos) {
        this.pieces = pieces;
        this.special = special;
        this.vocab = new HashMap<>(pieces.length * 2);
        List<String> specialTexts = new ArrayList<>();
        for (int i = 0; i < pieces.length; i++) {
            if (pieces[i] == null) continue;
            vocab.putIfAbsent(pieces[i], i);
            if (special[i]) specialTexts.add(pieces[i]);
        }
        this.merges = PairTable.fromMerges(merges, vocab);
        this.patternText = pattern;
        // HF's regex engines treat \s and friends as Unicode classes; Java needs the flag for that.
        this.split = Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS);
        this.nfc = nfc;
        this.ignoreMerges = ignoreMerges;
        this.specials = new SpecialSplitter(specialTexts, vocab);
        this.bos = bos;
        this.eos = eos;
        this.addBos = addBos;
    }

    @Override
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        for (SpecialSplitter.Segment s : specials.split(text)) {
            if (s.specialId() >= 0) {
                out.add(s.specialId());
                continue;
            }
            String t = nfc ? Normalizer.normalize(s.text(), Normalizer.Form.NFC) : s.text();
            Matcher m = split.matcher(t);
            while (m.find()) {
                if (m.end() == m.start()) continue;
                for (int id : encodeWord(m.group())) out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] encodeWord(String word) {
        int[] hit = cache.get(word);
        if (hit != null) return hit;
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        StringBuilder mapped = new StringBuilder(bytes.length);
        for (byte b : bytes) mapped.append(BYTE_TO_CHAR[b & 0xFF]);
        String w = mapped.toString();
        Integer whole = ignoreMerges ? vocab.get(w) : null;
        int[] ids;
        if (whole != null) {
            ids = new int[]{whole};
        } else {
            int[] init = new int[w.length()];
            for (int i = 0; i < w.length(); i++) {
                Integer id = vocab.get(String.valueOf(w.charAt(i)));
                if (id == null) throw new IllegalStateException("byte-level vocabulary lacks the byte symbol '" + w.charAt(i) + "'");
                init[i] = id;
            }
            ids = BpeMerger.merge(init, init.length, merges);
        }
        if (cache.size() < 200_000) cache.put(word, ids);
        return ids;
    }

    @Override
    public String decode(int[] ids, boolean afterBos) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= pieces.length || pieces[id] == null) {
                throw new IllegalArgumentException("token id " + id + " outside vocabulary of " + pieces.length);
            }
            String p = pieces[id];
            if (special[id]) {
                out.writeBytes(p.getBytes(StandardCharsets.UTF_8));
                continue;
            }
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
                if (b >= 0) out.write(b);
                else out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override public int vocabSize() { return pieces.length; }
    @Override public String piece(int id) { return pieces[id]; }
    @Override public int bos() { return bos; }
    @Override public int eos() { return eos; }
    @Override public boolean addBos() { return addBos; }
    @Override public String kind() { return "bpe"; }

    public boolean isSpecial(int id) { return special[id]; }
    public String pattern() { return patternText; }
    public boolean nfc() { return nfc; }
    public boolean ignoreMerges() { return ignoreMerges; }

    /** The merges in rank order as "a b" strings (for export). */
    public List<String> mergeStrings() {
        return merges.ranked(id -> pieces[id]);
    }
}
