package org.prune4j.plan;

import com.fasterxml.jackson.databind.JsonNode;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a plan back from JSON: either the {@code plan} object of a {@code prune}/{@code plan --json} report, or the
 * report itself. Each layer lists {@code keptHeads}, {@code keptKvGroups} and {@code keptChannels}.
 */
public final class PlanJson {
    private PlanJson() {}

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
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
