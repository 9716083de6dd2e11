package org.prune4j.plan;

import com.fasterxml.jackson.databind.JsonNode;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan as JSON, both ways: {@link Plan#of} is what reports carry; {@link #read} takes either such a plan object
 * or a whole report ({@code prune --json} / {@code plan --json}) and rebuilds the plan with one-line errors.
 */
public final class PlanJson {
    private PlanJson() {}

    /** The serialised plan: per layer the kept indices, and counts "kept/total" for reading at a glance. */
    public record Plan(boolean biasCompensation, List<Layer> layers) {
        public static Plan of(PruningPlan plan, ModelConfig dense) {
            List<Layer> out = new ArrayList<>();
            for (int l = 0; l < plan.layers().size(); l++) {
                LayerPlan p = plan.layers().get(l);
                out.add(new Layer(l, p.removed(), !p.keepsAttention(), !p.keepsMlp(), p.keptHeads().length + "/" + dense.layer(l).heads(),
                        p.keptKvGroups().length + "/" + dense.layer(l).kvHeads(), p.keptChannels().length + "/" + dense.layer(l).ffnDim(),
                        p.keptHeads(), p.keptKvGroups(), p.keptChannels()));
            }
            return new Plan(plan.biasCompensation(), out);
        }
    }

    public record Layer(int layer, boolean removed, boolean attentionRemoved, boolean mlpRemoved, String heads, String kvGroups,
                        String channels, int[] keptHeads, int[] keptKvGroups, int[] keptChannels) {}

    public static PruningPlan read(Path file) {
        JsonNode root = org.prune4j.util.JsonFiles.read(file);
        JsonNode plan = root.has("plan") ? root.get("plan") : root;
        if (!plan.path("layers").isArray()) throw Prune4jException.inFile(file, "has no plan.layers array");
        List<LayerPlan> layers = new ArrayList<>();
        int i = 0;
        for (JsonNode l : plan.path("layers")) {
            try {
                layers.add(new LayerPlan(ints(l.path("keptHeads")), ints(l.path("keptKvGroups")), ints(l.path("keptChannels"))));
            } catch (IllegalArgumentException e) {
                throw Prune4jException.inFile(file, "layer " + i + ": " + e.getMessage());
            }
            i++;
        }
        return new PruningPlan(layers, plan.path("biasCompensation").asBoolean(false));
    }

    private static int[] ints(JsonNode a) {
        if (!a.isArray()) throw new IllegalArgumentException("missing kept index array");
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (!v.canConvertToInt()) throw new IllegalArgumentException("index " + v + " is not a non-negative 32-bit integer");
            out[i] = v.asInt();
        }
        return out;
    }
}
