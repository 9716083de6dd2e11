package org.prune4j.engine;

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
    private final org.prune4j.engine.CachePool pool;

    /** @param batchTokens rows per forward pass (sequences are packed up to this many tokens) */
    public TokenScorer(Transformer model, int batchTokens) {
        this(model, batchTokens, null);
    }

    /** @param pool KV caches reused across calls over the same windows (loss probes), or null for fresh ones */
    public TokenScorer(Transformer model, int batchTokens, org.prune4j.engine.CachePool pool) {
        this.model = model;
        this.batchTokens = Math.max(1, batchTokens);
        this.pool = pool;
    }

    /** Per-sequence NLL of tokens 1..n-1 given their prefixes (natural log); result[i][j] scores token j+1. */
    public double[][] score(List<int[]> sequences, ProgressListener progress) {
        return score(sequences, 0, null, progress);
    }

    /**
     * The residual stream at the input of {@code layer} for every pass of these sequences (as {@link #score} packs
     * them): what {@link #score(List, int, List, ProgressListener)} resumes from when only layers ≥ layer change.
     */
    public List<float[]> residualsAt(List<int[]> sequences, int layer) {
        List<float[]> out = new java.util.ArrayList<>();
        Batches.run(model, sequences, batchTokens, (chunks, ids) -> {
            Transformer.Batch b = model.embed(chunks);
            model.runLayers(b, 0, layer);
            out.add(b.x().clone());
        }, ProgressListener.NONE, pool);
        return out;
    }

    /**
     * Like {@link #score(List, ProgressListener)}, resuming every pass at {@code fromLayer} from saved residuals
     * (from {@link #residualsAt} of a model that agrees with this one below that layer); the same bits as a full
     * pass, for the cost of the layers from there on.
     */
    public double[][] score(List<int[]> sequences, int fromLayer, List<float[]> residuals, ProgressListener progress) {
        double[][] out = new double[sequences.size()][];
        int[] pass = {0};
        Batches.run(model, sequences, batchTokens, (chunks, ids) -> {
            Transformer.Batch b = model.embed(chunks);
            if (fromLayer > 0) System.arraycopy(residuals.get(pass[0]++), 0, b.x(), 0, b.x().length);
            model.runLayers(b, fromLayer, model.config().layerCount());
            Transformer.Hidden h = model.finish(b);
            int row = 0;
            for (int id : ids) {
                out[id] = nll(h, row, sequences.get(id));
                row += sequences.get(id).length;
            }
        }, progress, pool);
        return out;
    }

    /**
     * Summed NLL of given targets: input i is run whole, and its last targets[i].length positions predict
     * targets[i] (rolling windows, where the final target is not part of the input).
     */
    public double[] scoreTargets(List<int[]> inputs, List<int[]> targets, ProgressListener progress) {
        double[] out = new double[inputs.size()];
        Batches.run(model, inputs, batchTokens, (chunks, ids) -> {
            Transformer.Hidden h = model.forward(chunks);
            int row = 0;
            for (int id : ids) {
                int[] in = inputs.get(id), y = targets.get(id);
                for (double v : nll(h, row + in.length - y.length, y, 0, y.length)) out[id] += v;
                row += in.length;
            }
        }, progress, pool);
        return out;
    }

    /** NLL of tokens 1..n-1 of one sequence whose hidden rows start at {@code row}. */
    private double[] nll(Transformer.Hidden h, int row, int[] s) {
        return nll(h, row, s, 1, Math.max(0, s.length - 1));
    }

    /** NLL of y[from .. from+n), predicted by the hidden rows first .. first+n, logits a block at a time. */
    private double[] nll(Transformer.Hidden h, int first, int[] y, int from, int n) {
        int vocab = model.config().vocab();
        double[] nll = new double[n];
        for (int b = 0; b < n; b += LOGIT_BLOCK) {
            int k = Math.min(LOGIT_BLOCK, n - b);
            float[] logits = model.logits(h, first + b, k);
            for (int j = 0; j < k; j++) nll[b + j] = -LogSoftmax.logProb(logits, j * vocab, vocab, y[from + b + j]);
        }
        return nll;
    }
}
