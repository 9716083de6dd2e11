package org.prune4j.eval;

import org.prune4j.engine.Batches;
import org.prune4j.engine.Transformer;
import org.prune4j.util.ProgressListener;

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
        Batches.run(model, sequences, batchTokens, (chunks, ids) -> {
            Transformer.Hidden h = model.forward(chunks);
            int row = 0;
            for (int id : ids) {
                out[id] = nll(h, row, sequences.get(id));
                row += sequences.get(id).length;
            }
        }, progress);
        return out;
    }

    /** NLL of tokens 1..n-1 of one sequence whose hidden rows start at {@code row}. */
    private double[] nll(Transformer.Hidden h, int row, int[] s) {
        int vocab = model.config().vocab();
        double[] nll = new double[Math.max(0, s.length - 1)];
        for (int b = 0; b < s.length - 1; b += LOGIT_BLOCK) {
            int n = Math.min(LOGIT_BLOCK, s.length - 1 - b);
            float[] logits = model.logits(h, row + b, n);
            for (int j = 0; j < n; j++) nll[b + j] = -LogSoftmax.logProb(logits, j * vocab, vocab, s[b + j + 1]);
        }
        return nll;
    }
}
