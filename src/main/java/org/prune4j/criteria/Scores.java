package org.prune4j.criteria;

/**
 * Importance per structure (higher = more important): per layer, one score per query head, per MLP channel, and
 * one for the whole layer (used by depth pruning). A KV group's score is the sum of its heads'.
 */
public record Scores(String criterion, double[][] heads, double[][] channels, double[] layers) {
    public void requireFinite() {
        for (int l = 0; l < heads.length; l++) {
            for (double v : heads[l]) if (!Double.isFinite(v)) throw new org.prune4j.util.Prune4jException(criterion + " produced a NaN/Inf head score in layer " + l);
            for (double v : channels[l]) if (!Double.isFinite(v)) throw new org.prune4j.util.Prune4jException(criterion + " produced a NaN/Inf channel score in layer " + l);
        }
        if (layers != null) for (double v : layers) if (!Double.isFinite(v)) throw new org.prune4j.util.Prune4jException(criterion + " produced a NaN/Inf layer score");
    }
}
