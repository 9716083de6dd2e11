package org.prune4j.eval;

import org.prune4j.util.ProgressListener;
import org.prune4j.engine.Transformer;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.List;

/** Perplexity of a model on a text file under a protocol: the library call behind {@code prune4j eval}. */
public final class Perplexity {
    /** The outcome, with per-sequence sums so callers can compare document by document. */
    public record Result(long tokens, double sumNll, double[] sequenceNll, int[] sequenceTokens) {
        public double meanNll() { return sumNll / tokens; }
        public double perplexity() { return Math.exp(meanNll()); }
    }

    private Perplexity() {}

    public static Result evaluate(Transformer model, Tokenizer tok, Path data, Corpus.Protocol protocol, int seqLen,
                                  int batchTokens, ProgressListener progress) {
        int ctx = model.config().contextLength();
        int len = seqLen > 0 ? seqLen : ctx;
        if (len > ctx) throw new Prune4jException("the evaluation window " + len + " exceeds the model's context length " + ctx);
        if (protocol == Corpus.Protocol.STREAM && len < 2) throw new Prune4jException("the stream protocol needs an evaluation window of at least 2 tokens");
        String text = Corpus.readText(data);
        List<int[]> seqs = Corpus.sequences(text, tok, protocol, len, tok.addBos());
        seqs.removeIf(s -> s.length < 2);
        if (seqs.isEmpty()) throw Prune4jException.inFile(data, "yields no sequence of 2 or more tokens under protocol " + protocol.name().toLowerCase());
        double[][] nll = new TokenScorer(model, Math.max(batchTokens, len)).score(seqs, progress);
        double sum = 0;
        long n = 0;
        double[] per = new double[nll.length];
        int[] counts = new int[nll.length];
        for (int i = 0; i < nll.length; i++) {
            for (double v : nll[i]) per[i] += v;
            counts[i] = nll[i].length;
            sum += per[i];
            n += counts[i];
        }
        if (!Double.isFinite(sum)) throw new Prune4jException("evaluation produced a non-finite loss (NaN/Inf in the model's outputs)");
        return new Result(n, sum, per, counts);
    }
}
