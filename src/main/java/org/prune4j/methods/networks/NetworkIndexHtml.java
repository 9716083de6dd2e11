package org.prune4j.methods.networks;

import org.prune4j.report.Pages;

import org.prune4j.methods.networks.CanIca;
import org.prune4j.methods.networks.FunctionalNetworks;

import java.util.Arrays;
import java.util.List;

/** The index.html of a functional-networks folder: the run's configuration and log, a per-layer table, the figures. */
final class NetworkIndexHtml {
    private NetworkIndexHtml() {}

    static String render(FunctionalNetworks n, List<Integer> layers, List<String> histograms) {
        StringBuilder h = Pages.start("prune4j functional networks", 1200).append("<h1>Functional networks</h1>\n");
        var s = n.settings();
        var log = n.log();
        h.append("<h2>Run</h2>\n<table>\n");
        Pages.row(h, "layers analysed", n.range()[0] + ":" + n.range()[1]);
        Pages.row(h, "chunks used / skipped", log.chunksUsed() + " / " + log.chunksSkipped());
        Pages.row(h, "texts per chunk, max tokens per text", s.chunkTexts() + ", " + s.maxLen());
        Pages.row(h, "tokens per chunk", log.tokensPerChunk().toString());
        Pages.row(h, "components, restarts, PCA", s.ica().components() + ", " + s.ica().restarts() + ", " + (s.ica().exactPca() ? "exact" : "randomized (4 power iterations)"));
        Pages.row(h, "FastICA max iterations, tol", s.ica().maxIter() + ", " + s.ica().tol());
        Pages.row(h, "heads analysed", String.valueOf(s.heads()));
        Pages.row(h, "FastICA runs re-seeded after NaN/Inf, per chunk", String.valueOf(log.reseededRuns()));
        Pages.row(h, "FastICA runs at the iteration limit, per chunk", String.valueOf(log.notConvergedRuns()));
        Pages.row(h, "mean FastICA iterations per run, per chunk", log.meanIterations().stream().map(v -> String.format("%.0f", v)).toList().toString());
        Pages.row(h, "seconds per chunk", log.secondsPerChunk().stream().map(v -> String.format("%.1f", v)).toList().toString());
        Pages.row(h, "CanICA seconds per analysed layer (all chunks)", layers.stream().map(l -> String.format("%d: %.1f", l, log.icaSecondsPerLayer()[l])).toList().toString());
        Pages.row(h, "seconds in all", String.format("%.1f", log.seconds()));
        Pages.row(h, "seed", String.valueOf(n.seed()));
        Pages.row(h, "model fingerprint", n.fingerprint());
        h.append("</table>\n");

        h.append("<h2>Per layer</h2>\n<p>Key neurons: neurons whose saliency (max |z| over all networks) exceeds the level; ")
                .append("channels: MLP channels with a key SiLU(gate) or up neuron (what a threshold at that level would keep).</p>\n<table>\n<tr><th>layer</th><th>channels</th>");
        for (int t = 0; t < CanIca.KEY_THRESHOLDS.length; t++) h.append("<th>key neurons |z|&gt;").append(NetworkFigures.level(t)).append("</th>");
        for (int t = 0; t < CanIca.KEY_THRESHOLDS.length; t++) h.append("<th>channels kept |z|&gt;").append(NetworkFigures.level(t)).append("</th>");
        h.append("<th>largest network |z|&gt;4</th></tr>\n");
        for (int l : layers) {
            double[] sal = n.saliency()[l], ch = n.channelScores(l);
            h.append("<tr><td>").append(l).append("</td><td>").append(ch.length).append("</td>");
            for (double level : CanIca.KEY_THRESHOLDS) h.append("<td>").append(Arrays.stream(sal).filter(v -> v > level).count()).append("</td>");
            for (double level : CanIca.KEY_THRESHOLDS) h.append("<td>").append(Arrays.stream(ch).filter(v -> v > level).count()).append("</td>");
            h.append("<td>").append(Arrays.stream(n.keyCounts()[l][1]).max().orElse(0)).append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Figures</h2>\n");
        img(h, "key-neurons-heatmap.png");
        img(h, "key-neurons-per-layer.png");
        img(h, "kept-fraction-vs-tau.png");
        h.append("<h3>Saliency histograms</h3>\n<div>");
        for (String f : histograms) h.append("<img src=\"").append(f).append("\" width=\"520\">");
        h.append("</div>\n<p>Data: networks.json in this folder.</p>\n</body></html>\n");
        return h.toString();
    }

    private static void img(StringBuilder h, String file) {
        h.append("<p><img src=\"").append(file).append("\" alt=\"").append(file).append("\"></p>\n");
    }
}
