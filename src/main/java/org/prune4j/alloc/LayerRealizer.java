package org.prune4j.alloc;

import org.prune4j.model.LayerShape;
import org.prune4j.plan.LayerPlan;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Picks which structures of one layer survive, given how many: GQA needs every kept KV group to keep the same
 * number of query heads, so a head budget K becomes m groups × k heads (the largest product not above K, more heads
 * per group preferred), the m groups with the highest summed scores, and in each its k best heads.
 */
public final class LayerRealizer {
    private LayerRealizer() {}

    public static LayerPlan realize(LayerShape s, double[] headScores, double[] channelScores, int keepHeads, int keepChannels, Constraints k) {
        int[] heads = new int[0], groups = new int[0], channels = new int[0];
        if (s.hasAttention()) {
            int budget = Math.max(Math.min(keepHeads, s.heads()), Math.min(k.minHeads(), s.heads()));
            int gs = s.groupSize(), bestM = 1, bestK = 1;
            for (int m = 1; m <= s.kvHeads(); m++) {
                for (int kk = 1; kk <= gs; kk++) {
                    int p = m * kk, best = bestM * bestK;
                    if (p <= budget && (p > best || (p == best && kk > bestK))) {
                        bestM = m;
                        bestK = kk;
                    }
                }
            }
            final int kPer = bestK;
            double[] groupScore = new double[s.kvHeads()];
            int[][] topHeads = new int[s.kvHeads()][];
            for (int g = 0; g < s.kvHeads(); g++) {
                final int base = g * gs;
                topHeads[g] = IntStream.range(base, base + gs).boxed()
                        .sorted(Comparator.comparingDouble((Integer h) -> -headScores[h]).thenComparingInt(h -> h))
                        .limit(kPer).mapToInt(Integer::intValue).toArray();
                for (int h : topHeads[g]) groupScore[g] += headScores[h];
            }
            groups = IntStream.range(0, s.kvHeads()).boxed()
                    .sorted(Comparator.comparingDouble((Integer g) -> -groupScore[g]).thenComparingInt(g -> g))
                    .limit(bestM).mapToInt(Integer::intValue).toArray();
            heads = Arrays.stream(groups).flatMap(g -> Arrays.stream(topHeads[g])).toArray();
        }
        if (s.hasMlp()) {
            int c = Math.max(Math.min(keepChannels, s.ffnDim()), Math.min(k.minChannels(), s.ffnDim()));
            if (c < s.ffnDim() && k.channelMultiple() > 1) {
                c = Math.max(k.channelMultiple(), c / k.channelMultiple() * k.channelMultiple());
                c = Math.min(c, s.ffnDim());
            }
            channels = IntStream.range(0, s.ffnDim()).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -channelScores[j]).thenComparingInt(j -> j))
                    .limit(c).mapToInt(Integer::intValue).toArray();
        }
        return new LayerPlan(heads, groups, channels);
    }
}
