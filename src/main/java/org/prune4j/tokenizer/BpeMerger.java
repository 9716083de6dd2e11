package org.prune4j.tokenizer;

import java.util.PriorityQueue;

/**
 * The BPE merge loop shared by both tokenizer families: repeatedly merge the adjacent pair with the best
 * priority (lowest value; ties go to the leftmost pair, as SentencePiece, llama2.c and HF tokenizers do).
 * Symbols live in a doubly linked list and candidate pairs in a heap, so a long input costs O(n log n) rather
 * than the O(n²) rescans of the textbook loop: the {@code stream} protocol encodes a whole corpus at once.
 */
final class BpeMerger {
    /** Looks up the merge of two adjacent symbols. */
    interface MergeRule {
        /** Packed (priority, merged id) or {@link #NONE}; see {@link #pack}. */
        long lookup(int left, int right);
    }

    static final long NONE = Long.MIN_VALUE;

    private BpeMerger() {}

    /** Priority in the high 32 bits (as an ordered int), merged id in the low 32 bits. */
    static long pack(int priority, int mergedId) {
        return ((long) priority << 32) | (mergedId & 0xFFFFFFFFL);
    }

    private record Candidate(int priority, int left, int leftId, int rightId, int merged) implements Comparable<Candidate> {
        @Override
        public int compareTo(Candidate o) {
            int c = Integer.compare(priority, o.priority);
            return c != 0 ? c : Integer.compare(left, o.left);
        }
    }

    static int[] merge(int[] ids, int n, MergeRule rule) {
        if (n <= 1) return java.util.Arrays.copyOf(ids, n);
        int[] sym = java.util.Arrays.copyOf(ids, n);
        int[] prev = new int[n], next = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Candidate> heap = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) offer(heap, rule, sym, i, i + 1);
        while (!heap.isEmpty()) {
            Candidate c = heap.poll();
            int l = c.left;
            int r = next[l];
            // Stale entries: a side was merged away or changed since this candidate was queued.
            if (dead[l] || r < 0 || sym[l] != c.leftId || sym[r] != c.rightId) continue;
            sym[l] = c.merged;
            dead[r] = true;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            if (prev[l] >= 0) offer(heap, rule, sym, prev[l], l);
            if (next[l] >= 0) offer(heap, rule, sym, l, next[l]);
        }
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) sym[count++] = sym[i];
        return java.util.Arrays.copyOf(sym, count);
    }

    private static void offer(PriorityQueue<Candidate> heap, MergeRule rule, int[] sym, int l, int r) {
        long m = rule.lookup(sym[l], sym[r]);
        if (m != NONE) heap.add(new Candidate((int) (m >> 32), l, sym[l], sym[r], (int) m));
    }
}
