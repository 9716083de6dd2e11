package org.prune4j.alloc;

import java.util.Set;

/**
 * Limits every allocation respects: protected layers stay whole; each pruned layer keeps at least
 * {@code minHeads} query heads and {@code minChannels} MLP channels (so no sub-block is emptied, which llama.cpp
 * cannot run); kept MLP widths are rounded down to a multiple of {@code channelMultiple} (kernel-friendly widths).
 */
public record Constraints(Set<Integer> protectedLayers, int minHeads, int minChannels, int channelMultiple) {
    public Constraints {
        protectedLayers = Set.copyOf(protectedLayers);
        if (minHeads < 1 || minChannels < 1 || channelMultiple < 1) {
            throw new org.prune4j.util.Prune4jException("minimum heads, minimum channels and the channel multiple must each be at least 1");
        }
    }

    public static Constraints defaults() {
        return new Constraints(Set.of(), 1, 1, 1);
    }
}
