package org.prune4j.eval;

import org.prune4j.engine.Chunk;
import org.prune4j.engine.KvCache;
import org.prune4j.engine.Transformer;

import java.util.ArrayList;
import java.util.List;

/**
 * Teacher-forced next-token negative log-likelihood. Several sequences share one forward pass (their rows go
 * through each GEMM together); logits are produced a block of rows at a time and reduced to log-softmax at once,
 * so a 32k–128k vocabulary never materialises for the whole batch.
 */
public final class TokenScorer {
    private static final int LOGIT_BLOCK = 64;
    private final Transformer model;
    private final int batchTokens;

    /** @param batchTokens rows per forward pass (sequences are packed up to this many tokens) */
    public TokenScorer(Transformer model, int batchTokens) {
        this.model = model;
        this.batchTokens = Math.max(1, batchTokens);
    }

    /** Per-sequence NLL of tokens 1..n-1 given their prefixes (natural log); result[i][j] scores token j+1. */
    public double[][] score(List<int[]> sequences, ProgressListener progress) {
        double[][] out = new double[sequences.size()][];
        List<Integer> pending = new ArrayList<>();
        int rows = 0;
        long total = sequences.stream().mapToLong(s -> s.length).sum(), done = 0;
        for (int i = 0; i < sequences.size(); i++) {
            int len = sequences.get(i).length;
            if (!pending.isEmpty() && rows + len > batchTokens) {
                runBatch(sequences, pending, out);
                done += rows;
                progress.update(done, total);
                pending.clear();
                rows = 0;
            }
            pending.add(i);
            rows += len;
        }
        if (!pending.isEmpty()) {
            runBatch(sequences, pending, out);
            progress.update(total, total);
        }
        return out;
    }

    private void runBatch(List<int[]> sequences, List<Integer> ids, double[][] out) {
        List<Chunk> chunks = new ArrayList<>();
        for (int id : ids) {
            int[] s = sequences.get(id);
            if (s.length > model.config().contextLength()) {
                throw new IllegalArgumentException("sequence of " + s.length + " tokens exceeds the model context " + model.config().contextLength());
            }
            chunks.add(new Chunk(new KvCache(model.config(), s.length), s));
        }
        Transformer.Hidden h = model.forward(chunks);
        int vocab = model.config().vocab();
        int row = 0;
        for (int id : ids) {
            int[] s = sequences.get(id);
            double[] nll = new double[Math.max(0, s.length - 1)];
            for (int b = 0; b < s.length - 1; b += LOGIT_BLOCK) {
                int n = Math.min(LOGIT_BLOCK, s.length - 1 - b);
                float[] logits = model.logits(h, row + b, n);
                for (int j = 0; j < n; j++) {
                    nll[b + j] = -LogSoftmax.logProb(logits, j * vocab, vocab, s[b + j + 1]);
                }
            }
            out[id] = nll;
            row += s.length;
        }
    }

    /** Progress callback (tokens done, tokens total). */
    @FunctionalInterface
    public interface ProgressListener {
        void update(long done, long total);

        ProgressListener NONE = (d, t) -> {};
    }
}
