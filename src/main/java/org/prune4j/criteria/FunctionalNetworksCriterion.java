package org.prune4j.criteria;

import org.prune4j.ica.CanIca;
import org.prune4j.ica.NeuronRecorder;
import org.prune4j.model.ModelConfig;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * "Pruning LLMs by Identifying and Preserving Functional Networks" (methods.md §1), MLP channels as published:
 * the calibration documents, in file order, each its own sequence truncated to {@code --max-len}, are taken in
 * chunks of {@code --chunk-texts}; per chunk and layer, CanICA over the [SiLU(gate) | up] neurons
 * ({@link CanIca}); a neuron's saliency is its largest |z| over all maps of all chunks; a channel's score is the
 * larger of its SiLU(gate) and up neurons'. The allocation is one global τ ({@code threshold}), solved for the
 * ratio instead of tuned by hand; the first ⌈3L/32⌉ and last ⌈2L/32⌉ layers are protected (the authors' 3 and 2
 * for L = 32). Chunks whose ICA keeps producing NaN/Inf are skipped (the authors lost 2 of 80) and counted.
 */
public final class FunctionalNetworksCriterion implements Criterion {
    /** What the last scoring run did, for reports: chunks used and skipped, tokens per chunk. */
    public record Log(int chunksUsed, List<Integer> chunksSkipped, List<Integer> tokensPerChunk, double seconds) {}

    private final int chunks, chunkTexts, maxLen;
    private final CanIca.Settings ica;
    private final MethodOptions options;
    private Log log;

    public FunctionalNetworksCriterion() {
        this(80, 40, 1024, CanIca.Settings.defaults(), MethodOptions.NONE);
    }

    private FunctionalNetworksCriterion(int chunks, int chunkTexts, int maxLen, CanIca.Settings ica, MethodOptions options) {
        this.options = options;
        this.chunks = chunks;
        this.chunkTexts = chunkTexts;
        this.maxLen = maxLen;
        this.ica = ica;
    }

    @Override public String name() { return "functional-networks"; }

    @Override public String summary() {
        return "key neurons of ICA functional networks (CanICA per layer and chunk, saliency max|z|), MLP channels, one global τ";
    }

    @Override public Set<Evidence> needs() { return Set.of(Evidence.ACTIVATION_SKETCH); }
    @Override public String defaultAllocation() { return "threshold"; }
    @Override public Set<String> options() { return Set.of("chunks", "chunk-texts", "max-len", "components", "ica-restarts", "pca"); }

    public Log log() { return log; }

    @Override
    public Criterion configure(MethodOptions o) {
        o.requireOnly(name(), options());
        int r = o.integer("chunks", chunks), ct = o.integer("chunk-texts", chunkTexts), ml = o.integer("max-len", maxLen);
        int k = o.integer("components", ica.components()), restarts = o.integer("ica-restarts", ica.restarts());
        String pca = o.text("pca", "randomized");
        if (r < 1) throw new Prune4jException("--chunks must be at least 1, got " + r);
        if (ct < 1) throw new Prune4jException("--chunk-texts must be at least 1, got " + ct);
        if (ml < 2) throw new Prune4jException("--max-len must be at least 2, got " + ml);
        if (k < 1) throw new Prune4jException("--components must be at least 1, got " + k);
        if (restarts < 1) throw new Prune4jException("--ica-restarts must be at least 1, got " + restarts);
        if (!pca.equals("randomized") && !pca.equals("exact")) throw new Prune4jException("--pca must be randomized or exact, got '" + pca + "'");
        return new FunctionalNetworksCriterion(r, ct, ml, new CanIca.Settings(k, restarts, ica.maxIter(), ica.tol(), pca.equals("exact")), o);
    }

    /** The authors' protected layers scaled: the first ⌈3L/32⌉ and the last ⌈2L/32⌉. */
    @Override
    public int[] defaultLayerRange(ModelConfig c) {
        int n = c.layerCount(), start = (int) Math.ceil(3.0 * n / 32), end = n - (int) Math.ceil(2.0 * n / 32);
        return start < end ? new int[]{start, end} : new int[]{0, n};
    }

    @Override
    public Scores score(ScoringContext ctx) {
        long t0 = System.nanoTime();
        ModelConfig c = ctx.model().config();
        int[] range = options.layerRange(this, c); // layers outside are never pruned: no ICA for them
        List<List<int[]>> groups = chunks(ctx.documents(), ctx.model().tokenizer(), Math.min(maxLen, c.contextLength()));
        double[][] saliency = new double[c.layerCount()][];
        for (int l = 0; l < c.layerCount(); l++) saliency[l] = new double[2 * c.layer(l).ffnDim()];
        List<Integer> skipped = new ArrayList<>(), tokens = new ArrayList<>();
        for (int r = 0; r < groups.size(); r++) {
            List<int[]> texts = groups.get(r);
            int t = NeuronRecorder.tokens(texts);
            tokens.add(t);
            if (t < ica.components()) {
                throw new Prune4jException("chunk " + r + " has " + t + " tokens, fewer than --components " + ica.components() + "; give more --chunk-texts or fewer components");
            }
            double[][] chunkSal = new double[c.layerCount()][];
            boolean[] failed = {false};
            final int chunk = r;
            NeuronRecorder.run(ctx.transformer(), texts, 4096, (layer, x) -> {
                if (failed[0] || layer < range[0] || layer >= range[1]) return;
                if (x.cols() < ica.components()) {
                    throw new Prune4jException("--components " + ica.components() + " exceeds layer " + layer + "'s " + x.cols() + " MLP neurons");
                }
                CanIca.LayerResult res = CanIca.layer(x, ica, ctx.seed() * 1_000_003L + chunk * 131L + layer);
                if (res == null) failed[0] = true;
                else chunkSal[layer] = res.saliency();
            });
            if (failed[0]) {
                skipped.add(r);
            } else {
                for (int l = 0; l < c.layerCount(); l++) {
                    if (chunkSal[l] == null) continue;
                    for (int j = 0; j < chunkSal[l].length; j++) saliency[l][j] = Math.max(saliency[l][j], chunkSal[l][j]);
                }
            }
            ctx.runner().progress().update(r + 1, groups.size());
        }
        if (skipped.size() == groups.size()) throw new Prune4jException("ICA produced NaN/Inf in every chunk; no functional networks were found");
        log = new Log(groups.size() - skipped.size(), skipped, tokens, (System.nanoTime() - t0) / 1e9);
        Scores s = Scores.empty(name(), c);
        for (int l = 0; l < c.layerCount(); l++) {
            int m = c.layer(l).ffnDim();
            for (int i = 0; i < m; i++) s.channels()[l][i] = Math.max(saliency[l][i], saliency[l][m + i]);
            Arrays.fill(s.heads()[l], 0);
        }
        return s;
    }

    /** Documents in file order, tokenized (BOS as the model uses it), truncated to the limit, in chunks of chunkTexts. */
    private List<List<int[]>> chunks(List<String> docs, Tokenizer tok, int limit) {
        List<List<int[]>> out = new ArrayList<>();
        for (int start = 0; start < docs.size() && out.size() < chunks; start += chunkTexts) {
            List<int[]> texts = new ArrayList<>();
            for (int i = start; i < Math.min(docs.size(), start + chunkTexts); i++) {
                int[] ids = tok.encode(docs.get(i));
                int[] withBos = tok.addBos() ? prepend(tok.bos(), ids) : ids;
                if (withBos.length > 0) texts.add(Arrays.copyOf(withBos, Math.min(limit, withBos.length)));
            }
            out.add(texts);
        }
        return out;
    }

    private static int[] prepend(int v, int[] a) {
        int[] out = new int[a.length + 1];
        out[0] = v;
        System.arraycopy(a, 0, out, 1, a.length);
        return out;
    }
}
