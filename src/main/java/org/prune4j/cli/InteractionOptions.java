package org.prune4j.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** The transfer-entropy method's settings (methods.md §3.2, reconstructed: each is an option, the reconstruction the default). */
public final class InteractionOptions {
    @Option(names = "--te-dims", description = "transfer-entropy: dims r per module after PCA (default: 4)")
    String dims;

    @Option(names = "--te-reduce", description = "transfer-entropy: pca (top r principal directions of each module's output, fitted on the calibration tokens) or norm (per-token L2 norm, r = 1) (default: pca)")
    String reduce;

    @Option(names = "--te-importance", description = "transfer-entropy: downstream (Σ of TE to all later modules), downstream-mean (their mean) or final (TE to the final hidden state) (default: downstream)")
    String importance;

    @Option(names = "--te-sketch", description = "transfer-entropy: width of the randomized range sketch bounding the PCA; exact PCA when the hidden size is at most this (default: 64)")
    String sketch;

    @Option(names = "--p-max", description = "transfer-entropy: the largest ratio one module may get, in (0, 1] (default: 0.9)")
    String pMax;

    @Option(names = "--drop-modules", description = "transfer-entropy: remove a module whole when its ratio reaches --p-max (a layer losing both sub-blocks goes; GGUF export refuses a layer with only one)")
    boolean dropModules;

    @Option(names = "--te-invert", description = "transfer-entropy: invert the importance (prune the most informative modules hardest): a sanity ablation")
    boolean invert;

    void putGiven(Map<String, String> options) {
        String[][] given = {{"te-dims", dims}, {"te-reduce", reduce}, {"te-importance", importance}, {"te-sketch", sketch}, {"p-max", pMax}};
        CliParsing.putGiven(options, given);
        if (dropModules) options.put("drop-modules", "true");
        if (invert) options.put("te-invert", "true");
    }
}
