package org.prune4j.engine;

/** Numerically stable log-softmax pieces, accumulated in double. */
public final class LogSoftmax {
    private LogSoftmax() {}

    public static double logSumExp(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(x[off + i] - max);
        return max + Math.log(sum);
    }

    public static double logProb(float[] logits, int off, int n, int target) {
        return logits[off + target] - logSumExp(logits, off, n);
    }

    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}
