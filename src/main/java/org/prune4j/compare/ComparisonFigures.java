package org.prune4j.compare;

import org.prune4j.report.Pages;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The figures of a comparison (PNG, XChart): perplexity against ratio per text (log scale), average zero-shot
 * accuracy against ratio, per method a heat map of the parameters each layer keeps at each ratio, prefill and decode
 * speed of every pruned model relative to dense, and each method's pruning wall time and process peak RSS.
 */
final class ComparisonFigures {
    private ComparisonFigures() {}

    /** Writes the PNGs into out; returns their file names in page order. */
    static List<String> write(List<ComparisonGrid.Cell> cells, Path out) throws IOException {
        Pages.headless();
        List<String> names = new ArrayList<>();
        ComparisonGrid.Cell dense = cells.get(0);
        List<String> methods = new ArrayList<>(new LinkedHashSet<>(cells.stream().skip(1).map(ComparisonGrid.Cell::method).toList()));
        for (int i = 0; i < dense.ppl().size(); i++) {
            names.add(save(pplChart(cells, methods, i), out, String.format("ppl-vs-ratio-%d.png", i + 1)));
        }
        if (!dense.tasks().isEmpty()) names.add(save(accuracyChart(cells, methods), out, "accuracy-vs-ratio.png"));
        for (String m : methods) names.add(save(keptHeatMap(cells, m), out, "kept-" + m + ".png"));
        if (dense.decodeTokPerSec() != null) names.add(save(speedChart(cells), out, "speed-vs-dense.png"));
        names.add(save(costChart(cells, methods), out, "pruning-cost.png"));
        return names;
    }

    private static String save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path out, String name) throws IOException {
        Pages.save(chart, out.resolve(name));
        return name;
    }

    private static XYChart pplChart(List<ComparisonGrid.Cell> cells, List<String> methods, int text) {
        ComparisonGrid.Cell dense = cells.get(0);
        XYChart chart = new XYChartBuilder().width(900).height(520).title("Perplexity vs ratio: " + dense.ppl().get(text).label())
                .xAxisTitle("fraction of parameters removed").yAxisTitle("perplexity (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        for (String m : methods) {
            List<Double> x = new ArrayList<>(List.of(0.0)), y = new ArrayList<>(List.of(dense.ppl().get(text).perplexity()));
            for (ComparisonGrid.Cell c : cells) {
                if (!c.method().equals(m)) continue;
                x.add(c.removedFraction());
                y.add(c.ppl().get(text).perplexity());
            }
            chart.addSeries(m, x, y);
        }
        return chart;
    }

    private static XYChart accuracyChart(List<ComparisonGrid.Cell> cells, List<String> methods) {
        ComparisonGrid.Cell dense = cells.get(0);
        XYChart chart = new XYChartBuilder().width(900).height(520).title("Average zero-shot accuracy vs ratio (acc_norm where present, else acc)")
                .xAxisTitle("fraction of parameters removed").yAxisTitle("average accuracy").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (String m : methods) {
            List<Double> x = new ArrayList<>(List.of(0.0)), y = new ArrayList<>(List.of(dense.average()));
            for (ComparisonGrid.Cell c : cells) {
                if (!c.method().equals(m)) continue;
                x.add(c.removedFraction());
                y.add(c.average());
            }
            chart.addSeries(m, x, y);
        }
        return chart;
    }

    /** Rows: the method's ratios; columns: layers; cell: percent of the layer's parameters kept. */
    private static HeatMapChart keptHeatMap(List<ComparisonGrid.Cell> cells, String method) {
        List<ComparisonGrid.Cell> rows = cells.stream().filter(c -> c.method().equals(method)).toList();
        int layers = rows.get(0).keptFraction().length;
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(600, 140 + 36 * layers)).height(140 + 40 * rows.size())
                .title(method + ": % of each layer's parameters kept").xAxisTitle("layer").yAxisTitle("ratio").build();
        chart.getStyler().setShowValue(layers <= 32).setPlotContentSize(1).setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setRangeColors(new Color[] {new Color(103, 0, 13), new Color(251, 106, 74), new Color(255, 245, 240)});
        chart.getStyler().setMin(0).setMax(100);
        List<String> x = new ArrayList<>(), y = new ArrayList<>();
        for (int l = 0; l < layers; l++) x.add(String.valueOf(l));
        for (ComparisonGrid.Cell c : rows) y.add(String.format(Locale.ROOT, "%.0f%%", 100 * c.ratio()));
        List<Number[]> heat = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            for (int l = 0; l < layers; l++) heat.add(new Number[] {l, r, Math.round(100 * rows.get(r).keptFraction()[l])});
        }
        chart.addSeries("kept", x, y, heat);
        return chart;
    }

    private static CategoryChart speedChart(List<ComparisonGrid.Cell> cells) {
        ComparisonGrid.Cell dense = cells.get(0);
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(800, 60 * cells.size())).height(480)
                .title("Speed relative to dense (prune4j engine; each model alternated with its dense parent, best of 3)").xAxisTitle("model").yAxisTitle("× dense").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisLabelRotation(45);
        List<String> names = new ArrayList<>();
        List<Double> prefill = new ArrayList<>(), decode = new ArrayList<>();
        for (ComparisonGrid.Cell c : cells.subList(1, cells.size())) {
            names.add(String.format(Locale.ROOT, "%s %.0f%%", c.method(), 100 * c.ratio()));
            prefill.add(c.prefillVsDense());
            decode.add(c.decodeVsDense());
        }
        chart.addSeries("prefill", names, prefill);
        chart.addSeries("decode", names, decode);
        return chart;
    }

    /**
     * Per method, the pruning wall time over all its ratios (scoring once) and the peak RSS while it pruned (the
     * high-water mark is reset before each method; with --jobs > 1 it and the wall time are shared with the jobs beside it).
     */
    private static CategoryChart costChart(List<ComparisonGrid.Cell> cells, List<String> methods) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(700, 90 * methods.size())).height(450)
                .title("Pruning cost per method: wall seconds (all ratios) and peak RSS (MiB / 100)").xAxisTitle("method").yAxisTitle("").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<Double> secs = new ArrayList<>(), rss = new ArrayList<>();
        for (String m : methods) {
            secs.add(cells.stream().filter(c -> c.method().equals(m)).mapToDouble(ComparisonGrid.Cell::pruneSeconds).sum());
            rss.add(cells.stream().filter(c -> c.method().equals(m)).mapToLong(ComparisonGrid.Cell::peakRssBytes).max().orElse(0) / 1048576.0 / 100);
        }
        chart.addSeries("wall s", methods, secs);
        chart.addSeries("peak RSS (MiB/100)", methods, rss);
        return chart;
    }
}
