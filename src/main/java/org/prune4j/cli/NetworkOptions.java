package org.prune4j.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** The functional-networks settings, shared by {@code networks} and {@code prune}/{@code plan}. */
public final class NetworkOptions {
    @Option(names = "--chunks", description = "functional networks: chunks of texts (default: as many as the text holds, at most 80)")
    String chunks;

    @Option(names = "--chunk-texts", description = "functional networks: texts per chunk, in file order (default: 40)")
    String chunkTexts;

    @Option(names = "--max-len", description = "functional networks: tokens per text, BOS included (default: 1024, at most the model context)")
    String maxLen;

    @Option(names = "--components", description = "functional networks: ICA components per layer and chunk (default: 128)")
    String components;

    @Option(names = "--ica-restarts", description = "functional networks: FastICA runs per layer and chunk, the sparsest kept (default: 10)")
    String icaRestarts;

    @Option(names = "--pca", description = "functional networks: randomized (4 power iterations, the authors' CPU run) or exact spatial patterns (default: randomized)")
    String pca;

    @Option(names = "--structures", description = "functional networks: mlp (MLP channels, as published) or mlp+heads (also query heads: one joint ICA over per-head signals; heads and channels z-scored per type, one τ) (default: mlp)")
    String structures;

    /** Adds the settings given on the command line to a method-options map. */
    void putGiven(Map<String, String> options) {
        String[][] given = {{"chunks", chunks}, {"chunk-texts", chunkTexts}, {"max-len", maxLen}, {"components", components},
                {"ica-restarts", icaRestarts}, {"pca", pca}, {"structures", structures}};
        CliParsing.putGiven(options, given);
    }
}
