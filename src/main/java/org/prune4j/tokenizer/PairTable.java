package org.prune4j.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Merge rules keyed by the (left id, right id) pair: the one table both BPE families build. */
final class PairTable implements BpeMerger.MergeRule {
    private final Map<Long, Long> rules = new HashMap<>();

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    void put(int left, int right, int priority, int merged) {
        rules.merge(key(left, right), BpeMerger.pack(priority, merged),
                (old, neu) -> (int) (old >> 32) <= (int) (neu >> 32) ? old : neu);
    }

    @Override
    public long lookup(int left, int right) {
        Long v = rules.get(key(left, right));
        return v == null ? BpeMerger.NONE : v;
    }

    int size() {
        return rules.size();
    }

    /** Rank-ordered merges ("a b" strings or [a, b] pairs already split): priority = rank. */
    static PairTable fromMerges(List<String[]> merges, Map<String, Integer> vocab) {
        PairTable t = new PairTable();
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            Integer a = vocab.get(m[0]), b = vocab.get(m[1]), c = vocab.get(m[0] + m[1]);
            if (a != null && b != null && c != null) t.put(a, b, rank, c);
        }
        return t;
    }

    /**
     * Score-ordered merges (SentencePiece BPE, llama2.c, GGUF "llama"): every piece that splits into two pieces
     * is a merge of those two, with the piece's score as priority (higher score first).
     */
    static PairTable fromScores(String[] pieces, float[] scores, boolean[] mergeable, Map<String, Integer> vocab) {
        PairTable t = new PairTable();
        for (int id = 0; id < pieces.length; id++) {
            if (!mergeable[id]) continue;
            String p = pieces[id];
            // Negated, order-preserving int image of the float score so that "lower is better" holds.
            int priority = -orderedBits(scores[id]);
            for (int cut = p.offsetByCodePoints(0, 1); cut < p.length(); cut = p.offsetByCodePoints(cut, 1)) {
                Integer a = vocab.get(p.substring(0, cut)), b = vocab.get(p.substring(cut));
                if (a != null && b != null && mergeable[a] && mergeable[b]) t.put(a, b, priority, id);
            }
        }
        return t;
    }

    private static int orderedBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
    }

    /** The merges ordered by priority as "left right" piece strings. */
    List<String> ranked(java.util.function.IntFunction<String> piece) {
        return rules.entrySet().stream()
                .sorted(Map.Entry.comparingByValue(java.util.Comparator.comparingInt((Long v) -> (int) (v >> 32))))
                .map(e -> piece.apply((int) (e.getKey() >> 32)) + " " + piece.apply((int) (long) e.getKey()))
                .toList();
    }

    /** Visits every rule as (priority, merged id). */
    void forEachRule(java.util.function.BiConsumer<Integer, Integer> visitor) {
        rules.values().forEach(v -> visitor.accept((int) (v >> 32), (int) (long) v));
    }
}
