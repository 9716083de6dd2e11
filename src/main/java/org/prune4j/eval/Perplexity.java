package org.prune4j.eval;

import org.prune4j.engine.TokenScorer;
import org.prune4j.util.ProgressListener;
import org.prune4j.engine.Transformer;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.List;

/** Perplexity of a model on a text file under a protocol: the library call behind {@code prune4j eval}. */
public final class Perplexity {
    /**
     * The outcome, with per-sequence sums so callers can compare document by document. The word protocol also
     * counts the pages' words and UTF-8 bytes (0 under the other protocols).
     */
    public record Result(long tokens, double sumNll, double[] sequenceNll, int[] sequenceTokens, long words, long bytes) {
        public Result(long tokens, double sumNll, double[] sequenceNll, int[] sequenceTokens) {
            this(tokens, sumNll, sequenceNll, sequenceTokens, 0, 0);
        }

        public double meanNll() { return sumNll / tokens; }
        public double perplexity() { return Math.exp(meanNll()); }
        /** exp(Σ NLL / words): lm-eval's word_perplexity (word protocol only, else NaN). */
        public double wordPerplexity() { return words > 0 ? Math.exp(sumNll / words) : Double.NaN; }
        /** exp(Σ NLL / bytes): lm-eval's byte_perplexity. */
        public double bytePerplexity() { return bytes > 0 ? Math.exp(sumNll / bytes) : Double.NaN; }
        /** Σ NLL / (bytes · ln 2): lm-eval's bits_per_byte. */
        public double bitsPerByte() { return bytes > 0 ? sumNll / bytes / Math.log(2) : Double.NaN; }
    }

    /**
     * Scores sequences elsewhere (prune4j-spark: shards of whole scoring passes as tasks), or returns null to score
     * here. A sequence's scores depend on the pass it shares, so a split that keeps {@link
     * org.prune4j.engine.Batches#plan}'s passes (scored with the same batchTokens) returns the same bits; the driver
     * sums them in sequence order as here.
     */
    public interface Executor {
        /** As {@link TokenScorer#score(List, ProgressListener)}: per sequence, the NLL of tokens 1..n-1. */
        double[][] score(Transformer tf, List<int[]> sequences, int batchTokens);

        /** As {@link TokenScorer#scoreTargets}: per input, the summed NLL of its targets. */
        double[] scoreTargets(Transformer tf, List<int[]> inputs, List<int[]> targets, int batchTokens);
    }

    private static volatile Executor executor;

    private Perplexity() {}

    /** Installs the executor every perplexity evaluation uses from now on (null: sequences are scored here). */
    public static void useExecutor(Executor e) {
        executor = e;
    }

    public static Result evaluate(Transformer model, Tokenizer tok, Path data, Corpus.Protocol protocol, int seqLen,
                                  int batchTokens, ProgressListener progress) {
        return evaluate(model, tok, data, protocol, seqLen, TextRows.FILE, batchTokens, progress);
    }

    /**
     * @param seqLen window (stream, llm-pruner: default 128, word: rolling window) or truncation (documents); 0 =
     *               the protocol's default
     * @param rows   how the file becomes the text the protocol tokenizes (the papers' "\n\n".join of dataset rows)
     */
    public static Result evaluate(Transformer model, Tokenizer tok, Path data, Corpus.Protocol protocol, int seqLen, TextRows rows,
                                  int batchTokens, ProgressListener progress) {
        int ctx = model.config().contextLength();
        int len = protocol.window(seqLen, ctx);
        if (len > ctx) throw new Prune4jException("the evaluation window (--seq-len) " + len + " exceeds the model's context length " + ctx);
        if (protocol != Corpus.Protocol.DOCUMENTS && len < 2) {
            throw new Prune4jException("the " + protocol.cliName() + " protocol needs an evaluation window of at least 2 tokens");
        }
        if (protocol == Corpus.Protocol.WORD && rows != TextRows.FILE) {
            // lm-eval's wikitext task reads whole pages of the raw text; joining dataset rows first is no protocol anyone reports.
            throw new Prune4jException("--rows " + rows.name().toLowerCase() + " does not apply to the word protocol, which reads the raw file's pages (use --rows file)");
        }
        String text = rows.join(Corpus.readText(data));
        if (protocol == Corpus.Protocol.WORD) return rolling(model, tok, data, text, len, batchTokens, progress);
        List<int[]> seqs = Corpus.sequences(text, tok, protocol == Corpus.Protocol.LLM_PRUNER ? Corpus.Protocol.STREAM : protocol, len, tok.addBos());
        seqs.removeIf(s -> s.length < 2);
        if (seqs.isEmpty()) throw Prune4jException.inFile(data, "yields no sequence of 2 or more tokens under protocol " + protocol.name().toLowerCase());
        int batch = Math.max(batchTokens, len);
        Executor remote = executor;
        double[][] nll = remote == null ? null : remote.score(model, seqs, batch);
        if (nll == null) nll = new TokenScorer(model, batch).score(seqs, progress);
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

    /**
     * The word protocol: every page encoded without special tokens, scored by rolling windows of {@code len} inputs
     * (BOS as the prefix token, or EOS for a model without BOS, as lm-eval's prefix_token_id), every token once.
     */
    private static Result rolling(Transformer model, Tokenizer tok, Path data, String text, int len, int batchTokens, ProgressListener progress) {
        List<String> pages = WikitextPages.pages(text);
        List<int[]> inputs = new java.util.ArrayList<>(), targets = new java.util.ArrayList<>();
        java.util.List<Integer> own = new java.util.ArrayList<>();
        long words = 0, bytes = 0;
        int prefix = tok.bos() >= 0 ? tok.bos() : tok.eos();
        for (int p = 0; p < pages.size(); p++) {
            String page = pages.get(p);
            words += WikitextPages.words(page);
            bytes += page.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            for (WikitextPages.Window w : WikitextPages.windows(tok.encode(WikitextPages.detokenize(page)), prefix, len)) {
                inputs.add(w.input());
                targets.add(w.targets());
                own.add(p);
            }
        }
        if (inputs.isEmpty()) throw Prune4jException.inFile(data, "holds no page to score under the word protocol");
        int batch = Math.max(batchTokens, len);
        Executor remote = executor;
        double[] nll = remote == null ? null : remote.scoreTargets(model, inputs, targets, batch);
        if (nll == null) nll = new TokenScorer(model, batch).scoreTargets(inputs, targets, progress);
        double[] per = new double[pages.size()];
        int[] counts = new int[pages.size()];
        double sum = 0;
        long n = 0;
        for (int i = 0; i < nll.length; i++) {
            per[own.get(i)] += nll[i];
            counts[own.get(i)] += targets.get(i).length;
            sum += nll[i];
            n += targets.get(i).length;
        }
        if (!Double.isFinite(sum)) throw new Prune4jException("evaluation produced a non-finite loss (NaN/Inf in the model's outputs)");
        return new Result(n, sum, per, counts, words, bytes);
    }
}
