package org.prune4j.methods.networks;

import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.MethodOption;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;

import org.prune4j.methods.networks.CanIca;
import org.prune4j.methods.networks.FunctionalNetworks;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.Set;

/**
 * "Pruning LLMs by Identifying and Preserving Functional Networks" (methods.md §1), MLP channels as published:
 * the calibration documents, in file order, each its own sequence truncated to {@code --max-len}, are taken in
 * chunks of {@code --chunk-texts}; per chunk and layer, CanICA over the [SiLU(gate) | up] neurons
 * ({@link CanIca}); a neuron's saliency is its largest |z| over all maps of all chunks; a channel's score is the
 * larger of its SiLU(gate) and up neurons'. The allocation is one global τ ({@code threshold}), solved for the
 * ratio instead of tuned by hand; the first ⌈3L/32⌉ and last ⌈2L/32⌉ layers are protected (the authors' 3 and 2
 * for L = 32). Chunks whose ICA keeps producing NaN/Inf are skipped (the authors lost 2 of 80) and counted.
 * With {@code --networks DIR} the saliencies saved by {@code prune4j networks} are used instead of computed.
 */
public final class FunctionalNetworksCriterion implements Criterion {
    private final FunctionalNetworks.Settings settings;
    private final MethodOptions options;

    public static final MethodOption<Integer> CHUNKS = MethodOption.integer("chunks", "80",
            "functional networks: chunks of texts (as many as the text holds, at most this)", 1);
    public static final MethodOption<Integer> CHUNK_TEXTS = MethodOption.integer("chunk-texts", "40", "functional networks: texts per chunk, in file order", 1);
    public static final MethodOption<Integer> MAX_LEN = MethodOption.integer("max-len", "1024",
            "functional networks: tokens per text, BOS included (at most the model context)", 2);
    public static final MethodOption<Integer> COMPONENTS = MethodOption.integer("components", String.valueOf(CanIca.Settings.defaults().components()),
            "functional networks: ICA components per layer and chunk", 1);
    public static final MethodOption<Integer> ICA_RESTARTS = MethodOption.integer("ica-restarts", String.valueOf(CanIca.Settings.defaults().restarts()),
            "functional networks: FastICA runs per layer and chunk, the sparsest kept", 1);
    public static final MethodOption<Pca> PCA = MethodOption.choice("pca", Pca.RANDOMIZED,
            "functional networks: randomized (4 power iterations, the authors' CPU run) or exact spatial patterns", Pca.class);
    public static final MethodOption<String> STRUCTURES = new MethodOption<>("structures", "mlp",
            "functional networks: mlp (MLP channels, as published) or mlp+heads (also query heads: one joint ICA over per-head signals; heads and channels z-scored per type, one τ)",
            false, v -> {
                if (!v.equals("mlp") && !v.equals("mlp+heads")) throw new Prune4jException("--structures must be mlp or mlp+heads, got '" + v + "'");
                return v;
            });
    public static final MethodOption<String> NETWORKS = MethodOption.text("networks", null,
            "functional-networks: saved networks (a folder from 'prune4j networks') instead of computing them");

    /** How the spatial patterns are found. */
    public enum Pca { RANDOMIZED, EXACT }

    /** The settings {@code prune4j networks} shares with this method (all but {@code networks}). */
    public static final java.util.List<MethodOption<?>> ANALYSIS_OPTIONS = java.util.List.of(CHUNKS, CHUNK_TEXTS, MAX_LEN, COMPONENTS, ICA_RESTARTS, PCA, STRUCTURES);

    public FunctionalNetworksCriterion() {
        this(new FunctionalNetworks.Settings(80, 40, 1024, CanIca.Settings.defaults(), false), MethodOptions.NONE);
    }

    private FunctionalNetworksCriterion(FunctionalNetworks.Settings settings, MethodOptions options) {
        this.settings = settings;
        this.options = options;
    }

    @Override public String name() { return "functional-networks"; }

    @Override public String summary() {
        return "key neurons of ICA functional networks (CanICA per layer and chunk, saliency max|z|), MLP channels, one global τ";
    }

    /** Activations of whole documents, unless saved networks are given. */
    @Override public Set<Evidence> needs() { return NETWORKS.given(options) ? Set.of() : Set.of(Evidence.ACTIVATION_SKETCH); }
    @Override public String defaultAllocation() { return "threshold"; }
    @Override public java.util.List<MethodOption<?>> options() {
        java.util.List<MethodOption<?>> all = new java.util.ArrayList<>(ANALYSIS_OPTIONS);
        all.add(NETWORKS);
        return all;
    }

    @Override public java.util.List<String> aliases() { return java.util.List.of("fn"); }

    public FunctionalNetworks.Settings settings() { return settings; }

    @Override
    public Criterion configure(MethodOptions o) {
        o.requireOnly(name(), MethodOptions.names(options()));
        return new FunctionalNetworksCriterion(settings(o), o);
    }

    /** The chunking and CanICA settings from options (defaults: the authors'); one-line errors on bad values. */
    public static FunctionalNetworks.Settings settings(MethodOptions o) {
        CanIca.Settings d = CanIca.Settings.defaults();
        boolean exact = PCA.value(o) == Pca.EXACT;
        return new FunctionalNetworks.Settings(CHUNKS.value(o), CHUNK_TEXTS.value(o), MAX_LEN.value(o),
                new CanIca.Settings(COMPONENTS.value(o), ICA_RESTARTS.value(o), d.maxIter(), d.tol(), exact), STRUCTURES.value(o).equals("mlp+heads"));
    }

    /** The authors' protected layers scaled: the first ⌈3L/32⌉ and the last ⌈2L/32⌉. */
    @Override
    public int[] defaultLayerRange(ModelConfig c) {
        int n = c.layerCount(), start = (int) Math.ceil(3.0 * n / 32), end = n - (int) Math.ceil(2.0 * n / 32);
        return start < end ? new int[]{start, end} : new int[]{0, n};
    }

    @Override
    public Scores score(ScoringContext ctx) {
        ModelConfig c = ctx.model().config();
        int[] range = options.layerRange(this, c);
        FunctionalNetworks networks;
        if (NETWORKS.given(options)) {
            Path dir = Path.of(NETWORKS.value(options));
            networks = FunctionalNetworks.load(dir, ctx.model());
            if (range[0] < networks.range()[0] || range[1] > networks.range()[1]) {
                throw Prune4jException.inFile(dir, "covers layers " + networks.range()[0] + ":" + networks.range()[1]
                        + ", not the pruned range " + range[0] + ":" + range[1]);
            }
        } else {
            networks = FunctionalNetworks.compute(ctx.model(), ctx.transformer(), ctx.documents(), settings, range, ctx.seed(), ctx.runner().progress());
        }
        if (settings.heads() && (networks.headSaliency() == null || networks.headSaliency()[range[0]].length == 0)) {
            throw new Prune4jException("--structures mlp+heads needs networks computed with heads (prune4j networks --structures mlp+heads)");
        }
        Scores s = Scores.empty(name(), c);
        for (int l = range[0]; l < range[1]; l++) {
            if (c.layer(l).ffnDim() > 0) System.arraycopy(networks.channelScores(l), 0, s.channels()[l], 0, c.layer(l).ffnDim());
            if (settings.heads()) System.arraycopy(networks.headSaliency()[l], 0, s.heads()[l], 0, c.layer(l).heads());
        }
        if (!settings.heads()) return s;
        // Heads and channels against one budget: each type z-scored over all its prunable units, then one τ.
        standardise(s.heads(), range);
        standardise(s.channels(), range);
        return new Scores(s.criterion(), s.heads(), s.channels(), s.layers(), true);
    }

    /** z-scores the values of the layers in range together (one mean and std per structure type). */
    private static void standardise(double[][] v, int[] range) {
        double sum = 0, sq = 0;
        long n = 0;
        for (int l = range[0]; l < range[1]; l++) for (double x : v[l]) { sum += x; sq += x * x; n++; }
        if (n < 2) return;
        double mean = sum / n, sd = Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1)));
        if (!(sd > 0)) sd = 1;
        for (int l = range[0]; l < range[1]; l++) for (int i = 0; i < v[l].length; i++) v[l][i] = (v[l][i] - mean) / sd;
    }
}
