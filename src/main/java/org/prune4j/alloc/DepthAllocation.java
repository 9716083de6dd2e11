package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.ModelConfig;

import java.util.Comparator;
import java.util.stream.IntStream;

/** Whole layers, least important first (block influence); protected layers and at least one layer stay. */
public final class DepthAllocation extends KnobAllocation {
    @Override public String name() { return "depth"; }
    @Override public String summary() { return "whole layers, least important first"; }

    @Override
    protected Counts counts(ModelConfig c, Scores s, double x, Constraints k) {
        int n = c.layerCount();
        Counts out = Counts.of(n);
        Integer[] order = IntStream.range(0, n).boxed().filter(l -> !k.protectedLayers().contains(l))
                .sorted(Comparator.comparingDouble((Integer l) -> s.layers()[l]).thenComparingInt(l -> l)).toArray(Integer[]::new);
        int drop = Math.min(order.length, Math.min(n - 1, (int) Math.floor(x * n + 1e-9)));
        for (int i = 0; i < drop; i++) out.dropLayer()[order[i]] = true;
        for (int l = 0; l < n; l++) {
            out.keepHeads()[l] = c.layer(l).heads();
            out.keepChannels()[l] = c.layer(l).ffnDim();
        }
        return out;
    }
}
