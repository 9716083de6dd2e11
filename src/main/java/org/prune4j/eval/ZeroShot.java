package org.prune4j.eval;

import org.prune4j.engine.Transformer;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot evaluation as lm-evaluation-harness computes it: each choice's continuation log-likelihood given the
 * task's context (ChoiceScorer), {@code acc} = the gold choice has the highest log-likelihood, {@code acc_norm} = the
 * highest log-likelihood per character of the choice, standard errors as lm-eval's {@code mean_stderr}
 * (sample standard deviation / √n); LAMBADA: accuracy of the greedy last word and perplexity exp(−mean log-likelihood).
 * Tokenisation follows lm-eval's {@code _encode_pair}: the context's trailing spaces move to the continuation, the
 * continuation's tokens are those of context + continuation after the context's tokens, and the sequence is cut from
 * the left to the model's window + 1 (counted as truncated). lm-eval adds no BOS for these models unless asked
 * ({@code add_bos_token}); {@code addBos} does the same here.
 */
public final class ZeroShot {
    /** One task's figures; null where the task has no such metric. */
    public record TaskResult(String task, int items, double acc, double accStderr, Double accNorm, Double accNormStderr,
                             Double perplexity, int truncated, double seconds) {
        /** What the papers average: acc_norm where the task has it, else acc. */
        public double headline() {
            return accNorm != null ? accNorm : acc;
        }
    }

    /**
     * Scores items elsewhere (prune4j-spark: item shards as tasks): every item's choice scores in item order, or null
     * to score here. Accuracy and its standard error are then summed in item order, as here.
     */
    public interface Executor {
        ChoiceScorer.Score[][] run(Transformer tf, List<ChoiceScorer.Request[]> items, int batchTokens);
    }

    private static volatile Executor executor;

    private ZeroShot() {}

    /** Installs the executor every zero-shot evaluation uses from now on (null: items are scored here). */
    public static void useExecutor(Executor e) {
        executor = e;
    }

    public static TaskResult evaluate(Transformer tf, Tokenizer tok, ZeroShotTask task, List<ZeroShotTask.Item> items, boolean addBos,
                                      int batchTokens, ProgressListener progress) {
        long t0 = System.nanoTime();
        int window = tf.config().contextLength();
        List<ChoiceScorer.Request[]> groups = new ArrayList<>();
        int truncated = 0;
        for (ZeroShotTask.Item it : items) {
            ChoiceScorer.Request[] g = new ChoiceScorer.Request[it.requests().size()];
            for (int i = 0; i < g.length; i++) {
                Encoded e = encode(tok, it.requests().get(i), addBos, window);
                if (e.truncated) truncated++;
                g[i] = e.request;
            }
            groups.add(g);
        }
        Executor remote = executor;
        ChoiceScorer.Score[][] scores = remote == null ? null : remote.run(tf, groups, batchTokens);
        if (scores == null) scores = new ChoiceScorer(tf, batchTokens).score(groups, progress);
        int n = items.size();
        double[] acc = new double[n], accNorm = new double[n];
        double llSum = 0;
        for (int k = 0; k < n; k++) {
            ZeroShotTask.Item it = items.get(k);
            ChoiceScorer.Score[] s = scores[k];
            if (task == ZeroShotTask.LAMBADA_OPENAI) {
                acc[k] = s[0].greedy() ? 1 : 0;
                llSum += s[0].logLikelihood();
                continue;
            }
            int best = 0, bestNorm = 0;
            for (int i = 1; i < s.length; i++) {
                if (s[i].logLikelihood() > s[best].logLikelihood()) best = i;
                if (s[i].logLikelihood() / it.choices().get(i).length() > s[bestNorm].logLikelihood() / it.choices().get(bestNorm).length()) bestNorm = i;
            }
            acc[k] = best == it.gold() ? 1 : 0;
            accNorm[k] = bestNorm == it.gold() ? 1 : 0;
        }
        boolean norm = task.hasAccNorm;
        Double ppl = task == ZeroShotTask.LAMBADA_OPENAI ? Math.exp(-llSum / Math.max(1, n)) : null;
        return new TaskResult(task.id, n, mean(acc), stderr(acc), norm ? mean(accNorm) : null, norm ? stderr(accNorm) : null, ppl,
                truncated, (System.nanoTime() - t0) / 1e9);
    }

    /** A request's tokens (lm-eval's _encode_pair and left truncation) and whether it was cut. */
    record Encoded(ChoiceScorer.Request request, boolean truncated) {}

    static Encoded encode(Tokenizer tok, ZeroShotTask.Pair p, boolean addBos, int window) {
        String context = p.context(), continuation = p.continuation();
        int spaces = context.length() - context.stripTrailing().length();
        if (spaces > 0) {
            continuation = context.substring(context.length() - spaces) + continuation;
            context = context.substring(0, context.length() - spaces);
        }
        int[] whole = withBos(tok, tok.encode(context + continuation), addBos);
        int[] ctx = context.isEmpty() ? new int[]{tok.bos()} : withBos(tok, tok.encode(context), addBos);
        int[] all;
        int cont;
        if (context.isEmpty()) { // lm-eval: the prefix token stands in for an empty context
            all = new int[whole.length + 1];
            all[0] = tok.bos();
            System.arraycopy(whole, 0, all, 1, whole.length);
            cont = whole.length;
        } else {
            all = whole;
            cont = whole.length - ctx.length;
        }
        if (cont < 1) throw new IllegalArgumentException("continuation '" + continuation + "' adds no tokens after its context");
        boolean cut = all.length > window + 1;
        if (cut) all = java.util.Arrays.copyOfRange(all, all.length - (window + 1), all.length);
        return new Encoded(new ChoiceScorer.Request(all, Math.min(cont, all.length - 1)), cut);
    }

    private static int[] withBos(Tokenizer tok, int[] ids, boolean addBos) {
        if (!addBos) return ids;
        int[] out = new int[ids.length + 1];
        out[0] = tok.bos();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** lm-eval's mean_stderr: sample standard deviation (n − 1) over √n. */
    static double stderr(double[] v) {
        int n = v.length;
        if (n < 2) return Double.NaN;
        double m = mean(v), ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    }
}
