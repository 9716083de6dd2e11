package org.prune4j.methods.transfer;

import org.prune4j.report.Pages;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;
import org.prune4j.methods.transfer.ModuleInteractions;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a transfer-entropy run (PNG, XChart) and an index.html that shows them: the TE matrix between
 * modules as a heat map (source rows, target columns, a &lt; b), and per module its importance and the share of its
 * weights the plan removed.
 */
public final class InteractionFigures {
    private InteractionFigures() {}

    /** Module label: "a3" for layer 3's attention, "m3" for its MLP, "final" for the final hidden state. */
    static String label(int module, int layers) {
        return module == 2 * layers ? "final" : (module % 2 == 0 ? "a" : "m") + module / 2;
    }

    /** Writes te-matrix.png, module-ratios.png and index.html into dir (created); returns the files. */
    public static List<Path> write(ModuleInteractions.Analysis a, double[] ratios, double[] loads, String title, Path dir) throws IOException {
        Pages.headless();
        Files.createDirectories(dir);
        int layers = a.importance().length / 2;
        List<Path> files = new ArrayList<>();
        files.add(Pages.save(heatMap(a, layers), dir.resolve("te-matrix.png")));
        files.add(Pages.save(ratioChart(a, ratios, layers), dir.resolve("module-ratios.png")));
        Path html = dir.resolve("index.html");
        Files.writeString(html, html(a, ratios, loads, title, layers));
        files.add(html);
        return files;
    }


    private static HeatMapChart heatMap(ModuleInteractions.Analysis a, int layers) {
        int m = a.te().length;
        HeatMapChart chart = new HeatMapChartBuilder().width(200 + 40 * m).height(160 + 36 * m)
                .title("Transfer entropy TE(a → b), nats per token (" + a.settings().reduction().name().toLowerCase() + ", r = " + a.settings().dims() + ")")
                .xAxisTitle("target module b").yAxisTitle("source module a").build();
        chart.getStyler().setShowValue(m <= 16).setPlotContentSize(1).setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setRangeColors(new Color[] {new Color(255, 255, 229), new Color(254, 153, 41), new Color(102, 37, 6)});
        List<String> names = new ArrayList<>();
        for (int i = 0; i < m; i++) names.add(label(i, layers));
        List<Number[]> heat = new ArrayList<>();
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) if (i < j) heat.add(new Number[] {j, i, Math.round(a.te()[i][j] * 1000) / 1000.0});
        chart.addSeries("TE", names, names, heat);
        return chart;
    }

    private static CategoryChart ratioChart(ModuleInteractions.Analysis a, double[] ratios, int layers) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(700, 60 * ratios.length)).height(450)
                .title("Per module: importance (normalised) and share of weights removed").xAxisTitle("module").yAxisTitle("fraction").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        List<String> names = new ArrayList<>();
        List<Double> imp = new ArrayList<>(), rat = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : a.importance()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        for (int i = 0; i < ratios.length; i++) {
            names.add(label(i, layers));
            imp.add(hi > lo ? (a.importance()[i] - lo) / (hi - lo) : 1.0);
            rat.add(ratios[i]);
        }
        chart.addSeries("importance Î", names, imp);
        chart.addSeries("removed", names, rat);
        return chart;
    }

    private static String html(ModuleInteractions.Analysis a, double[] ratios, double[] loads, String title, int layers) {
        StringBuilder h = Pages.start("prune4j transfer entropy", 1200)
                .append("<h1>Transfer entropy between modules</h1>\n<p>").append(Pages.esc(title)).append("</p>\n<table>\n");
        var s = a.settings();
        Pages.row(h, "reduction, dims r, PCA subspace", s.reduction().name().toLowerCase() + ", " + s.dims() + ", " + a.basis());
        Pages.row(h, "importance rule", s.importance().name().toLowerCase().replace('_', '-'));
        Pages.row(h, "windows, tokens per window", a.windows() + ", " + a.minTokens() + (a.maxTokens() != a.minTokens() ? "–" + a.maxTokens() : ""));
        Pages.row(h, "pair estimates, regularised", a.estimates() + ", " + a.regularised());
        Pages.row(h, "seconds: series, TE", String.format("%.1f, %.2f", a.seriesSeconds(), a.teSeconds()));
        h.append("</table>\n<h2>Per module</h2>\n<table>\n<tr><th>module</th><th>importance</th><th>load u</th><th>PCA variance kept</th><th>removed</th></tr>\n");
        for (int i = 0; i < ratios.length; i++) {
            h.append(String.format("<tr><td>%s</td><td>%.4f</td><td>%.3f</td><td>%s</td><td>%.1f%%</td></tr>%n", label(i, layers), a.importance()[i],
                    loads == null ? Double.NaN : loads[i], Double.isNaN(a.explained()[i]) ? "–" : String.format("%.3f", a.explained()[i]), 100 * ratios[i]));
        }
        h.append("</table>\n<h2>Figures</h2>\n<img src=\"te-matrix.png\" alt=\"TE matrix\"><br>\n<img src=\"module-ratios.png\" alt=\"module ratios\">\n</body></html>\n");
        return h.toString();
    }
}
