package org.prune4j.eval;

import org.prune4j.engine.LogSoftmax;
import org.prune4j.engine.Chunk;
import org.prune4j.engine.KvCache;
import org.prune4j.engine.Transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/** Autoregressive generation with a KV cache: prefill the prompt in one batch, then one token per step. */
public final class Generator {
    private Generator() {}

    /**
     * @param prompt      token ids including BOS when the model uses it; at least one token
     * @param temperature 0 for greedy (argmax); otherwise softmax sampling with {@code seed}
     * @param stopId      generation stops after emitting this id (-1: never)
     * @return the generated ids, prompt excluded
     */
    public static int[] generate(Transformer model, int[] prompt, int maxTokens, float temperature, long seed,
                                 int stopId, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt: start from BOS at least");
        int capacity = Math.min(model.config().contextLength(), prompt.length + maxTokens);
        if (prompt.length > capacity) throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the context");
        KvCache cache = new KvCache(model.config(), capacity);
        Random rnd = new Random(seed);
        int vocab = model.config().vocab();
        List<Integer> out = new ArrayList<>();
        int[] next = prompt;
        while (out.size() < maxTokens && cache.length() + next.length <= capacity) {
            Transformer.Hidden h = model.forward(List.of(new Chunk(cache, next)));
            float[] logits = model.logits(h, h.rows() - 1, 1);
            int t = temperature <= 0 ? LogSoftmax.argmax(logits, 0, vocab) : sample(logits, vocab, temperature, rnd);
            out.add(t);
            onToken.accept(t);
            if (t == stopId) break;
            next = new int[]{t};
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int sample(float[] logits, int n, float temperature, Random rnd) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[i] / temperature);
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.exp(logits[i] / temperature - max);
        double u = rnd.nextDouble() * sum;
        for (int i = 0; i < n; i++) if ((u -= p[i]) <= 0) return i;
        return n - 1;
    }
}
