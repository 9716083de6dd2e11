package org.prune4j.eval;

import org.prune4j.engine.LogSoftmax;
import org.prune4j.engine.Chunk;
import org.prune4j.engine.KvCache;
import org.prune4j.engine.Transformer;
import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Log-likelihoods of continuations, lm-evaluation-harness's {@code loglikelihood} request: the model reads
 * tokens[0..n−1) and the last {@code continuationLength} tokens are scored, summed in double, with a flag for whether
 * each was the greedy (argmax) choice. The requests of one group (a multiple-choice item's choices) share their
 * common input prefix: it runs once, and every choice continues from a copy of its KV cache. Groups are packed
 * into passes of about {@code batchTokens} rows.
 */
public final class ChoiceScorer {
    /** Tokens = context then continuation (already left-truncated to the model's window + 1). */
    public record Request(int[] tokens, int continuationLength) implements java.io.Serializable {
        public Request {
            if (continuationLength < 1 || continuationLength >= tokens.length) {
                throw new IllegalArgumentException("a continuation of " + continuationLength + " tokens needs a longer request than " + tokens.length);
            }
        }
    }

    /** Summed log-probability of the continuation and whether every continuation token was the argmax. */
    public record Score(double logLikelihood, boolean greedy) implements java.io.Serializable {}

    private final Transformer model;
    private final int batchTokens;

    public ChoiceScorer(Transformer model, int batchTokens) {
        this.model = model;
        this.batchTokens = Math.max(1, batchTokens);
    }

    /** Scores every group; result[g][i] belongs to groups[g][i]. */
    public Score[][] score(List<Request[]> groups, ProgressListener progress) {
        Score[][] out = new Score[groups.size()][];
        long done = 0, total = 0;
        for (Request[] g : groups) for (Request r : g) total += r.tokens().length;
        for (int[] b : batches(groups, batchTokens)) {
            scorePass(groups.subList(b[0], b[1]), out, b[0]);
            for (int g = b[0]; g < b[1]; g++) for (Request r : groups.get(g)) done += r.tokens().length;
            progress.update(done, total);
        }
        return out;
    }

    /**
     * The passes [from, to) that {@link #score} runs: greedy, at most {@code batchTokens} rows each. A choice's
     * score depends on the pass it shares, so a split that keeps these boundaries (item shards made of whole passes,
     * each scored with the same batchTokens) gives the same bits.
     */
    public static List<int[]> batches(List<Request[]> groups, int batchTokens) {
        List<int[]> out = new ArrayList<>();
        int start = 0, cap = Math.max(1, batchTokens);
        while (start < groups.size()) {
            int end = start, rows = 0;
            while (end < groups.size() && (end == start || rows + rowsOf(groups.get(end)) <= cap)) rows += rowsOf(groups.get(end++));
            out.add(new int[]{start, end});
            start = end;
        }
        return out;
    }

    private static int rowsOf(Request[] g) {
        int rows = 0;
        for (Request r : g) rows += r.tokens().length - 1;
        return rows;
    }

    /**
     * Shared prefix of a group's inputs, capped so that no continuation position lies inside it except its last
     * position (whose logits are taken from the prefix pass).
     */
    static int sharedPrefix(Request[] g) {
        int p = Integer.MAX_VALUE;
        for (Request r : g) p = Math.min(p, r.tokens().length - r.continuationLength());
        int[] first = g[0].tokens();
        for (Request r : g) {
            int i = 0;
            while (i < p && r.tokens()[i] == first[i]) i++;
            p = i;
        }
        return p;
    }

    private void scorePass(List<Request[]> groups, Score[][] out, int offset) {
        int vocab = model.config().vocab();
        // Pass 1: every group's shared prefix (groups without one start from an empty cache).
        List<Chunk> prefixes = new ArrayList<>();
        int[] prefixLen = new int[groups.size()];
        KvCache[] caches = new KvCache[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            Request[] grp = groups.get(g);
            int longest = 0;
            for (Request r : grp) longest = Math.max(longest, r.tokens().length - 1);
            caches[g] = new KvCache(model.config(), longest);
            prefixLen[g] = sharedPrefix(grp);
            if (prefixLen[g] > 0) prefixes.add(new Chunk(caches[g], java.util.Arrays.copyOf(grp[0].tokens(), prefixLen[g])));
        }
        float[][] prefixLast = new float[groups.size()][];
        if (!prefixes.isEmpty()) {
            Transformer.Batch b = model.embed(prefixes);
            model.runLayers(b, 0, model.config().layerCount());
            Transformer.Hidden h = model.finish(b);
            int row = 0;
            for (int g = 0; g < groups.size(); g++) {
                if (prefixLen[g] == 0) continue;
                row += prefixLen[g];
                prefixLast[g] = model.logits(h, row - 1, 1);
            }
        }
        // Pass 2: each choice's remaining input from a copy of its group's cache.
        List<Chunk> rest = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Request[] grp = groups.get(g);
            for (int i = 0; i < grp.length; i++) {
                int n = grp[i].tokens().length - 1;
                if (n > prefixLen[g]) {
                    KvCache c = i == grp.length - 1 ? caches[g] : caches[g].copy();
                    rest.add(new Chunk(c, java.util.Arrays.copyOfRange(grp[i].tokens(), prefixLen[g], n)));
                }
            }
        }
        Transformer.Hidden h = null;
        if (!rest.isEmpty()) {
            Transformer.Batch b = model.embed(rest);
            model.runLayers(b, 0, model.config().layerCount());
            h = model.finish(b);
        }
        int row = 0;
        for (int g = 0; g < groups.size(); g++) {
            Request[] grp = groups.get(g);
            out[offset + g] = new Score[grp.length];
            for (int i = 0; i < grp.length; i++) {
                int[] t = grp[i].tokens();
                int n = t.length - 1, p = prefixLen[g], c = grp[i].continuationLength();
                double ll = 0;
                boolean greedy = true;
                // Input position j predicts token j + 1; continuation tokens are t[n + 1 − c .. n]. Only the prefix's
                // last position can hold a continuation position; the others are this choice's rows of the second
                // pass, whose logits come as one block (one pass over the output matrix).
                int from = Math.max(n - c, p);
                float[] block = from < n ? model.logits(h, row + from - p, n - from) : null;
                for (int j = n - c; j < n; j++) {
                    float[] logits = j < p ? prefixLast[g] : block;
                    int off = j < p ? 0 : (j - from) * vocab;
                    ll += LogSoftmax.logProb(logits, off, vocab, t[j + 1]);
                    greedy &= LogSoftmax.argmax(logits, off, vocab) == t[j + 1];
                }
                row += Math.max(0, n - p);
                out[offset + g][i] = new Score(ll, greedy);
            }
        }
    }
}
