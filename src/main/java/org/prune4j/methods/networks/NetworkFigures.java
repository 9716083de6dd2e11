package org.prune4j.methods.networks;

import org.prune4j.report.Pages;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.prune4j.methods.networks.CanIca;
import org.prune4j.methods.networks.FunctionalNetworks;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The figures of a functional-networks run (PNG, XChart) and the index.html that shows them with the run's log:
 * key neurons per layer per network (heat map), the per-layer network sizes, a saliency histogram per layer, and
 * the kept fraction of each layer's channels as a function of the global threshold τ (the curve τ-solving walks).
 */
public final class NetworkFigures {
    /** The |z| level of the heat map: index into {@link CanIca#KEY_THRESHOLDS} (4.0). */
    private static final int HEAT_LEVEL = 1;
    private static final int HIST_BINS = 40;

    private NetworkFigures() {}

    /** Writes the PNGs and index.html into dir (which exists); returns the files written. */
    public static List<Path> write(FunctionalNetworks n, Path dir) throws IOException {
        Pages.headless();
        List<Integer> layers = analysedLayers(n);
        List<Path> files = new ArrayList<>();
        files.add(Pages.save(heatMap(n, layers), dir.resolve("key-neurons-heatmap.png")));
        files.add(Pages.save(networkSizes(n, layers), dir.resolve("key-neurons-per-layer.png")));
        files.add(Pages.save(keptVersusTau(n, layers), dir.resolve("kept-fraction-vs-tau.png")));
        List<String> histograms = new ArrayList<>();
        for (int l : layers) {
            String name = String.format("saliency-layer%02d.png", l);
            files.add(Pages.save(histogram(n, l), dir.resolve(name)));
            histograms.add(name);
        }
        Path html = dir.resolve("index.html");
        Files.writeString(html, NetworkIndexHtml.render(n, layers, histograms));
        files.add(html);
        return files;
    }

    static List<Integer> analysedLayers(FunctionalNetworks n) {
        List<Integer> out = new ArrayList<>();
        for (int l = 0; l < n.saliency().length; l++) if (n.saliency()[l].length > 0) out.add(l);
        return out;
    }


    /** Rows: analysed layers; columns: the networks of the first chunk used; cell: neurons with |z| > 4. */
    private static HeatMapChart heatMap(FunctionalNetworks n, List<Integer> layers) {
        int k = n.settings().ica().components();
        HeatMapChart chart = new HeatMapChartBuilder().width(1100).height(120 + 22 * layers.size())
                .title("Key neurons (|z| > " + level(HEAT_LEVEL) + ") per layer and network, first chunk's " + k + " networks")
                .xAxisTitle("network").yAxisTitle("layer").build();
        chart.getStyler().setShowValue(false);
        chart.getStyler().setPlotContentSize(1).setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)});
        int[] x = new int[k], y = new int[layers.size()];
        int[][] heat = new int[k][layers.size()];
        for (int c = 0; c < k; c++) x[c] = c;
        for (int i = 0; i < layers.size(); i++) {
            y[i] = layers.get(i);
            int[] counts = n.keyCounts()[layers.get(i)][HEAT_LEVEL];
            for (int c = 0; c < Math.min(k, counts.length); c++) heat[c][i] = counts[c];
        }
        chart.addSeries("key neurons", x, y, heat);
        return chart;
    }

    /** Per layer, the mean number of key neurons per network at each reporting level. */
    private static CategoryChart networkSizes(FunctionalNetworks n, List<Integer> layers) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(450)
                .title("Mean key neurons per network, by layer").xAxisTitle("layer").yAxisTitle("neurons per network").build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (int t = 0; t < CanIca.KEY_THRESHOLDS.length; t++) {
            List<Double> means = new ArrayList<>();
            for (int l : layers) means.add(Arrays.stream(n.keyCounts()[l][t]).average().orElse(0));
            chart.addSeries("|z| > " + level(t), layers, means);
        }
        return chart;
    }

    /** Fraction of a layer's channels whose score exceeds τ, τ from 0 to the largest channel score. */
    private static XYChart keptVersusTau(FunctionalNetworks n, List<Integer> layers) {
        double top = 0;
        for (int l : layers) for (double v : n.channelScores(l)) top = Math.max(top, v);
        int points = 200;
        double[] tau = new double[points];
        for (int i = 0; i < points; i++) tau[i] = top * i / (points - 1);
        XYChart chart = new XYChartBuilder().width(1000).height(550).title("Kept fraction of MLP channels vs the global threshold τ")
                .xAxisTitle("τ (channel score = max |z| of its SiLU(gate) and up neurons)").yAxisTitle("channels kept").build();
        chart.getStyler().setXAxisDecimalPattern("0.0");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(0);
        for (int l : layers) {
            double[] sorted = n.channelScores(l).clone();
            Arrays.sort(sorted);
            double[] kept = new double[points];
            for (int i = 0; i < points; i++) kept[i] = 1.0 - upperBound(sorted, tau[i]) / (double) sorted.length;
            chart.addSeries("layer " + l, tau, kept).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /** Histogram of the layer's neuron saliency (all 2m neurons: SiLU(gate) then up). */
    private static CategoryChart histogram(FunctionalNetworks n, int layer) {
        double[] s = n.saliency()[layer];
        double max = Arrays.stream(s).max().orElse(1);
        double width = Math.max(max, 1e-9) / HIST_BINS;
        List<String> centres = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int[] bins = new int[HIST_BINS];
        for (double v : s) bins[Math.min(HIST_BINS - 1, (int) (v / width))]++;
        for (int b = 0; b < HIST_BINS; b++) {
            centres.add(String.format("%.1f", (b + 0.5) * width));
            counts.add(bins[b]);
        }
        CategoryChart chart = new CategoryChartBuilder().width(520).height(300).title("Layer " + layer + ": neuron saliency (max |z|)")
                .xAxisTitle("saliency").yAxisTitle("neurons").build();
        chart.getStyler().setAvailableSpaceFill(0.95);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisTickMarkSpacingHint(60);
        chart.addSeries("neurons", centres, counts);
        return chart;
    }

    /** Number of entries ≤ v in an ascending array. */
    static int upperBound(double[] sorted, double v) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    static String level(int t) {
        double v = CanIca.KEY_THRESHOLDS[t];
        return v == Math.rint(v) ? String.valueOf((int) v) : String.valueOf(v);
    }
}
