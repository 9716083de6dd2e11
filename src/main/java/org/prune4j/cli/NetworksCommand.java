package org.prune4j.cli;

import org.prune4j.calib.CalibrationSet;
import org.prune4j.methods.networks.FunctionalNetworksCriterion;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.engine.Transformer;
import org.prune4j.methods.networks.FunctionalNetworks;
import org.prune4j.model.Model;
import org.prune4j.methods.networks.NetworkFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "networks", mixinStandardHelpOptions = true,
        description = {"Find a model's functional networks (CanICA over MLP neurons per layer and chunk of texts) and save them,",
                "for 'prune --method functional-networks --networks DIR' at any ratio. Layers: the method's prunable range",
                "(all but the first ceil(3L/32) and last ceil(2L/32)) unless --layer-range is given."})
public final class NetworksCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--data", required = true, description = "Text whose documents, in file order, are the ICA time points (plain, jsonl or parquet)")
    Path data;

    @Option(names = "--out", required = true, description = "Output folder: networks.json, index.html and its PNG figures")
    Path out;

    @Option(names = "--force", description = "Replace an existing output folder written by prune4j")
    boolean force;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the ICA restarts and the randomized SVD (default: ${DEFAULT-VALUE})")
    long seed;

    /** This command: the analysis flags are added to it from the method's declarations ({@link MethodFlags}). */
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--layer-range", description = "Layers to analyse, A:B or all (default: the method's prunable range)")
    String layerRange;

    @Option(names = "--no-figures", description = "Save networks.json only, without index.html and its PNG figures")
    boolean noFigures;

    @Option(names = "--json", description = "Print the saved networks' summary as one JSON object")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        Map<String, String> o = new TreeMap<>(MethodFlags.given(spec, FunctionalNetworksCriterion.ANALYSIS_OPTIONS));
        if (layerRange != null) o.put(MethodOptions.LAYER_RANGE, layerRange);
        MethodOptions options = new MethodOptions(o);
        FunctionalNetworksCriterion method = new FunctionalNetworksCriterion();
        FunctionalNetworks.Settings settings = FunctionalNetworksCriterion.settings(options);
        try (Model model = opts.loadWithTokenizer(); Transformer tf = new Transformer(model, opts.threads)) {
            int[] range = options.layerRange(method, model.config());
            FunctionalNetworks n = FunctionalNetworks.compute(model, tf, CalibrationSet.readDocuments(data), settings, range, seed,
                    new Progress("ica layers x chunks", !noProgress));
            String[] figureError = {null};
            n.save(out, force, tmp -> {
                if (noFigures) return;
                try {
                    NetworkFigures.write(n, tmp);
                } catch (Exception | LinkageError e) {
                    // The ICA took minutes to hours: a machine without fonts or AWT loses the figures, never the networks.
                    figureError[0] = e.toString().lines().findFirst().orElse("");
                }
            });
            if (figureError[0] != null) System.err.println("prune4j networks: warning: figures not written (" + figureError[0] + "); networks.json is saved");
            Map<String, Object> summary = new TreeMap<>();
            summary.put("out", out.toString());
            summary.put("layerRange", range[0] + ":" + range[1]);
            summary.put("chunksUsed", n.log().chunksUsed());
            summary.put("chunksSkipped", n.log().chunksSkipped());
            summary.put("tokensPerChunk", n.log().tokensPerChunk());
            summary.put("seconds", n.log().seconds());
            summary.put("secondsPerChunk", n.log().secondsPerChunk());
            summary.put("icaSecondsPerLayer", n.log().icaSecondsPerLayer());
            summary.put("pcaSecondsPerLayer", n.log().pcaSecondsPerLayer());
            summary.put("reseededRuns", n.log().reseededRuns());
            summary.put("notConvergedRuns", n.log().notConvergedRuns());
            summary.put("meanIterations", n.log().meanIterations());
            summary.put("figures", !noFigures && figureError[0] == null);
            if (json) {
                Json.print(summary);
            } else {
                System.out.printf("functional networks of layers %d:%d from %d chunks (%s skipped), %.1f s -> %s%n", range[0], range[1],
                        n.log().chunksUsed(), n.log().chunksSkipped(), n.log().seconds(), out);
            }
        }
        return 0;
    }
}
