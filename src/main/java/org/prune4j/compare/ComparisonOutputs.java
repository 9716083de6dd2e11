package org.prune4j.compare;

import org.prune4j.report.Pages;

import org.prune4j.eval.ZeroShot;
import org.prune4j.util.AtomicOutput;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code prune4j compare} writes from the grid's cells: results.json (every number with its protocol and the
 * configuration), results.csv (one row per cell), table.md (the papers' layout: dense first, rows method × ratio,
 * perplexity per text and accuracy per task with the average, the best per ratio in bold) and index.html with the
 * figures of {@link ComparisonFigures}.
 */
public final class ComparisonOutputs {
    private ComparisonOutputs() {}

    public static List<Path> write(ComparisonGrid.Config cfg, List<ComparisonGrid.Cell> cells, List<ComparisonGrid.Unreachable> unreachable, Path out) {
        List<Path> files = new ArrayList<>();
        Path json = out.resolve("results.json"), csv = out.resolve("results.csv"), md = out.resolve("table.md");
        java.util.Map<String, Object> results = ComparisonGrid.results(cfg, cells);
        results.put("unreachable", unreachable);
        ComparisonGrid.writeJson(json, results, true);
        AtomicOutput.write(csv, true, tmp -> Files.writeString(tmp, csv(cells)));
        AtomicOutput.write(md, true, tmp -> Files.writeString(tmp, markdown(cells) + notes(unreachable)));
        files.add(json);
        files.add(csv);
        files.add(md);
        List<String> figures;
        String figureError = null;
        try {
            figures = ComparisonFigures.write(cells, out);
        } catch (Exception | Error e) {
            // Hours of evaluation are never lost to a machine without fonts: the tables stand, the page says so.
            figures = List.of();
            figureError = e.toString();
        }
        Path html = out.resolve("index.html");
        String page = html(cfg, cells, figures, figureError).replace("</table>\n<h2>Figures</h2>",
                "</table>\n<p>" + Pages.esc(notes(unreachable)).replace("\n", "<br>") + "</p>\n<h2>Figures</h2>");
        AtomicOutput.write(html, true, tmp -> Files.writeString(tmp, page));
        files.add(html);
        return files;
    }

    static String csv(List<ComparisonGrid.Cell> cells) {
        ComparisonGrid.Cell first = cells.get(0);
        StringBuilder b = new StringBuilder("method,ratio,removed_fraction,parameters");
        for (ComparisonGrid.Ppl p : first.ppl()) b.append(",ppl:").append(quote(p.label()));
        for (ZeroShot.TaskResult t : first.tasks()) b.append(',').append(t.task()).append(",").append(t.task()).append("_stderr");
        b.append(",average,prune_seconds,peak_rss_bytes,prefill_tok_s,decode_tok_s,prefill_vs_dense,decode_vs_dense,jobs\n");
        for (ComparisonGrid.Cell c : cells) {
            b.append(c.method()).append(',').append(fmt(c.ratio())).append(',').append(fmt(c.removedFraction())).append(',').append(c.parameters());
            for (ComparisonGrid.Ppl p : c.ppl()) b.append(',').append(fmt(p.perplexity()));
            for (ZeroShot.TaskResult t : c.tasks()) b.append(',').append(fmt(t.headline())).append(',').append(fmt(t.accNorm() != null ? t.accNormStderr() : t.accStderr()));
            b.append(',').append(c.average() == null ? "" : fmt(c.average())).append(',').append(fmt(c.pruneSeconds())).append(',').append(c.peakRssBytes())
                    .append(',').append(c.prefillTokPerSec() == null ? "" : fmt(c.prefillTokPerSec())).append(',')
                    .append(c.decodeTokPerSec() == null ? "" : fmt(c.decodeTokPerSec())).append(',')
                    .append(c.prefillVsDense() == null ? "" : fmt(c.prefillVsDense())).append(',')
                    .append(c.decodeVsDense() == null ? "" : fmt(c.decodeVsDense())).append(',').append(Math.max(1, c.jobs())).append('\n');
        }
        return b.toString();
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** The papers' table: dense first, then by ratio, methods within; the best per ratio (and column) in bold. */
    static String markdown(List<ComparisonGrid.Cell> cells) {
        ComparisonGrid.Cell dense = cells.get(0);
        StringBuilder b = new StringBuilder("| ratio | method | removed |");
        for (ComparisonGrid.Ppl p : dense.ppl()) b.append(" PPL ").append(p.label()).append(" ↓ |");
        for (ZeroShot.TaskResult t : dense.tasks()) b.append(' ').append(t.task()).append(t.accNorm() != null ? " (acc_norm)" : " (acc)").append(" ↑ |");
        if (!dense.tasks().isEmpty()) b.append(" average ↑ |");
        b.append("\n|---|---|---|").append("---|".repeat(dense.ppl().size() + dense.tasks().size() + (dense.tasks().isEmpty() ? 0 : 1))).append('\n');
        row(b, dense, List.of(dense));
        List<Double> ratios = cells.stream().skip(1).map(ComparisonGrid.Cell::ratio).distinct().sorted().toList();
        for (double r : ratios) {
            List<ComparisonGrid.Cell> group = cells.stream().skip(1).filter(c -> c.ratio() == r).toList();
            for (ComparisonGrid.Cell c : group) row(b, c, group);
        }
        b.append("\nPerplexity protocols: ");
        List<String> protocols = new ArrayList<>();
        for (ComparisonGrid.Ppl p : dense.ppl()) {
            protocols.add(p.label() + " = " + p.protocol() + (p.seqLen() > 0 ? " window " + p.seqLen() : " (default window)")
                    + (p.rows().equals("file") ? "" : ", rows " + p.rows()) + (p.protocol().equals("word") ? ", word perplexity" : ", token perplexity"));
        }
        b.append(String.join("; ", protocols)).append(". Average: acc_norm where the task has it, else acc.\n");
        return b.toString();
    }

    private static void row(StringBuilder b, ComparisonGrid.Cell c, List<ComparisonGrid.Cell> group) {
        b.append("| ").append(c.method().equals("dense") ? "0" : String.format(Locale.ROOT, "%.0f%%", 100 * c.ratio())).append(" | ").append(c.method())
                .append(" | ").append(String.format(Locale.ROOT, "%.1f%%", 100 * c.removedFraction())).append(" |");
        for (int i = 0; i < c.ppl().size(); i++) {
            final int k = i;
            double best = group.stream().mapToDouble(g -> g.ppl().get(k).perplexity()).min().orElse(Double.NaN);
            b.append(' ').append(bold(String.format(Locale.ROOT, "%.2f", c.ppl().get(i).perplexity()), group.size() > 1 && c.ppl().get(i).perplexity() == best)).append(" |");
        }
        for (int i = 0; i < c.tasks().size(); i++) {
            final int k = i;
            double best = group.stream().mapToDouble(g -> g.tasks().get(k).headline()).max().orElse(Double.NaN);
            double v = c.tasks().get(i).headline();
            b.append(' ').append(bold(String.format(Locale.ROOT, "%.2f", 100 * v), group.size() > 1 && v == best)).append(" |");
        }
        if (c.average() != null) {
            double best = group.stream().mapToDouble(ComparisonGrid.Cell::average).max().orElse(Double.NaN);
            b.append(' ').append(bold(String.format(Locale.ROOT, "%.2f", 100 * c.average()), group.size() > 1 && c.average() == best)).append(" |");
        }
        b.append('\n');
    }

    /** The method × ratio pairs a method cannot reach, as a note under the table. */
    static String notes(List<ComparisonGrid.Unreachable> unreachable) {
        StringBuilder b = new StringBuilder();
        for (ComparisonGrid.Unreachable u : unreachable) {
            b.append(String.format(Locale.ROOT, "Not reachable: %s at %.0f%% (%s).%n", u.method(), 100 * u.ratio(), u.reason()));
        }
        return b.toString();
    }

    private static String bold(String s, boolean on) {
        return on ? "**" + s + "**" : s;
    }

    private static String html(ComparisonGrid.Config cfg, List<ComparisonGrid.Cell> cells, List<String> figures, String figureError) {
        StringBuilder h = Pages.start("prune4j comparison", 1300)
                .append("<h1>Comparison</h1>\n<p>Model ").append(Pages.esc(cfg.model())).append("; calibration ").append(Pages.esc(String.valueOf(cfg.calib())))
                .append(" (").append(cfg.calibSamples() == 0 ? "each method's default" : cfg.calibSamples()).append(" × ").append(cfg.calibLen())
                .append(" tokens, seed ").append(cfg.seed()).append("). Files: results.json, results.csv, table.md.</p>\n<table>\n<tr><th>method</th><th>ratio</th><th>removed</th>");
        ComparisonGrid.Cell dense = cells.get(0);
        for (ComparisonGrid.Ppl p : dense.ppl()) h.append("<th>PPL ").append(Pages.esc(p.label())).append("</th>");
        for (ZeroShot.TaskResult t : dense.tasks()) h.append("<th>").append(t.task()).append("</th>");
        if (!dense.tasks().isEmpty()) h.append("<th>average</th>");
        h.append("<th>prune s</th><th>prefill × dense</th><th>decode × dense</th></tr>\n");
        for (ComparisonGrid.Cell c : cells) {
            h.append("<tr><td>").append(Pages.esc(c.method())).append(String.format(Locale.ROOT, "</td><td>%.2f</td><td>%.1f%%</td>", c.ratio(), 100 * c.removedFraction()));
            for (ComparisonGrid.Ppl p : c.ppl()) h.append(String.format(Locale.ROOT, "<td>%.2f</td>", p.perplexity()));
            for (ZeroShot.TaskResult t : c.tasks()) h.append(String.format(Locale.ROOT, "<td>%.2f</td>", 100 * t.headline()));
            if (c.average() != null) h.append(String.format(Locale.ROOT, "<td>%.2f</td>", 100 * c.average()));
            h.append(String.format(Locale.ROOT, "<td>%.1f</td><td>%s</td><td>%s</td></tr>%n", c.pruneSeconds(),
                    c.prefillVsDense() == null ? "–" : String.format(Locale.ROOT, "%.2f", c.prefillVsDense()),
                    c.decodeVsDense() == null ? "–" : String.format(Locale.ROOT, "%.2f", c.decodeVsDense())));
        }
        h.append("</table>\n<h2>Figures</h2>\n");
        if (figureError != null) h.append("<p>Figures could not be drawn on this machine: ").append(Pages.esc(figureError)).append("</p>\n");
        for (String f : figures) h.append("<p><img src=\"").append(Pages.esc(f)).append("\" alt=\"").append(Pages.esc(f)).append("\"></p>\n");
        // A self-check a headless browser can read back: every figure loaded with a non-empty bitmap.
        h.append("<pre id=\"figure-check\"></pre>\n<script>window.addEventListener('load',function(){var r=[];")
                .append("for(var i=0;i<document.images.length;i++){var m=document.images[i];")
                .append("r.push(m.getAttribute('src')+' '+(m.complete&&m.naturalWidth>0?'loaded '+m.naturalWidth+'x'+m.naturalHeight:'broken'));}")
                .append("document.getElementById('figure-check').textContent=r.join('\\n');});</script>\n</body></html>\n");
        return h.toString();
    }

}
