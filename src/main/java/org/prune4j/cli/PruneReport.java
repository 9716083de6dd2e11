package org.prune4j.cli;

import org.prune4j.model.ModelConfig;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON report of a pruning run: configuration, calibration, parameter accounting, per-layer shapes, results. */
final class PruneReport {
    private PruneReport() {}

    static Map<String, Object> plan(PruningPlan plan, ModelConfig dense) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("biasCompensation", plan.biasCompensation());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int l = 0; l < plan.layers().size(); l++) {
            LayerPlan p = plan.layers().get(l);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l);
            m.put("removed", p.removed());
            m.put("attentionRemoved", !p.keepsAttention());
            m.put("mlpRemoved", !p.keepsMlp());
            m.put("heads", p.keptHeads().length + "/" + dense.layer(l).heads());
            m.put("kvGroups", p.keptKvGroups().length + "/" + dense.layer(l).kvHeads());
            m.put("channels", p.keptChannels().length + "/" + dense.layer(l).ffnDim());
            m.put("keptHeads", p.keptHeads());
            m.put("keptKvGroups", p.keptKvGroups());
            m.put("keptChannels", p.keptChannels());
            layers.add(m);
        }
        o.put("layers", layers);
        return o;
    }

    static Map<String, Object> report(PruneRequest r, Pruner.Result res, ModelConfig dense, Map<String, Object> extra) {
        Map<String, Object> o = new LinkedHashMap<>();
        ModelConfig pruned = res.plan().apply(dense);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("before", dense.totalParameters());
        params.put("after", pruned.totalParameters());
        params.put("removedFraction", 1.0 - (double) pruned.totalParameters() / dense.totalParameters());
        params.put("layerParametersBefore", dense.layerParameters());
        params.put("layerParametersAfter", pruned.layerParameters());
        params.put("counted", "all weights and biases incl. norms, token embedding and (untied) output; embeddings/output are never pruned");
        o.put("parameters", params);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("method", r.fixedPlan() != null ? "saved plan" : r.method().cliName);
        cfg.put("ratio", r.fixedPlan() != null ? null : r.ratio());
        cfg.put("allocation", r.effectiveAllocation().name().toLowerCase());
        cfg.put("biasCompensation", r.effectiveBiasCompensation());
        cfg.put("protectedLayers", r.constraints().protectedLayers());
        cfg.put("minHeads", r.constraints().minHeads());
        cfg.put("minChannels", r.constraints().minChannels());
        cfg.put("channelMultiple", r.constraints().channelMultiple());
        cfg.put("seed", r.seed());
        cfg.put("threads", r.threads());
        cfg.putAll(extra);
        o.put("config", cfg);
        if (res.calibration() != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("file", res.calibration().source().toString());
            c.put("samples", res.calibration().samples());
            c.put("length", res.calibration().length());
            c.put("seed", res.calibration().seed());
            c.put("documents", res.calibration().documents().size());
            c.put("streamTokens", res.calibration().streamTokens());
            o.put("calibration", c);
        } else {
            o.put("calibration", null);
        }
        if (res.before() != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("file", r.eval().toString());
            e.put("protocol", r.protocol().name().toLowerCase());
            e.put("tokens", res.before().tokens());
            e.put("perplexityBefore", res.before().perplexity());
            e.put("perplexityAfter", res.after().perplexity());
            e.put("meanNllBefore", res.before().meanNll());
            e.put("meanNllAfter", res.after().meanNll());
            o.put("eval", e);
        }
        o.put("shape", Json.describe(pruned));
        o.put("plan", plan(res.plan(), dense));
        o.put("wallSeconds", res.seconds());
        o.put("peakRssBytes", res.peakRssBytes());
        return o;
    }

    static void printSummary(Map<String, Object> rep, PruningPlan plan, ModelConfig dense) {
        @SuppressWarnings("unchecked") Map<String, Object> p = (Map<String, Object>) rep.get("parameters");
        System.out.printf("parameters %,d -> %,d (removed %.2f%%)%n", p.get("before"), p.get("after"), 100 * (double) p.get("removedFraction"));
        for (int l = 0; l < plan.layers().size(); l++) {
            LayerPlan lp = plan.layers().get(l);
            System.out.printf("  layer %2d: %s%n", l, lp.removed() ? "removed" : String.format("heads %d/%d  kv %d/%d  channels %d/%d",
                    lp.keptHeads().length, dense.layer(l).heads(), lp.keptKvGroups().length, dense.layer(l).kvHeads(),
                    lp.keptChannels().length, dense.layer(l).ffnDim()));
        }
        if (rep.get("eval") instanceof Map<?, ?> e) {
            System.out.printf("perplexity %.4f -> %.4f (%s, %s tokens)%n", e.get("perplexityBefore"), e.get("perplexityAfter"), e.get("protocol"), e.get("tokens"));
        }
        System.out.printf("%.1f s, peak RSS %.0f MiB%n", (double) rep.get("wallSeconds"), (long) rep.get("peakRssBytes") / 1048576.0);
    }
}
