package org.prune4j.criteria;

import org.prune4j.util.Prune4jException;

/**
 * Importance per structure (higher = more important): per layer, one score per query head, per MLP channel, and
 * one for the whole layer (used by depth pruning). A KV group's score is the sum of its kept heads'.
 *
 * @param standardised true when the criterion already put heads and channels of all layers on one scale (FLAP's
 *                     per-layer standardisation); allocations that compare across layers then use the scores as
 *                     they are instead of standardising them again
 * @param modules      per-module importance for allocations that set a ratio per module (transfer entropy), or null
 */
public record Scores(String criterion, double[][] heads, double[][] channels, double[] layers, boolean standardised, Modules modules) {

    /**
     * Importance of every module — the attention sub-block of layer l at 2l, its MLP at 2l+1 — with the settings
     * of the per-module ratio assignment that reads it.
     *
     * @param importance  higher = more important (length 2L)
     * @param pMax        the largest ratio a module may get, in (0, 1]
     * @param dropWhole   remove a module whole when its ratio reaches pMax (a layer losing both goes)
     */
    public record Modules(double[] importance, double pMax, boolean dropWhole) {
        public Modules {
            if (!(pMax > 0 && pMax <= 1)) throw new Prune4jException("--p-max must be in (0, 1], got " + pMax);
            for (double v : importance) if (!Double.isFinite(v)) throw new Prune4jException("a module importance is NaN/Inf");
        }
    }

    public Scores(String criterion, double[][] heads, double[][] channels, double[] layers, boolean standardised) {
        this(criterion, heads, channels, layers, standardised, null);
    }

    public Scores(String criterion, double[][] heads, double[][] channels, double[] layers) {
        this(criterion, heads, channels, layers, false);
    }

    /** These scores with per-module importances attached. */
    public Scores withModules(Modules m) {
        return new Scores(criterion, heads, channels, layers, standardised, m);
    }

    /** Stops with one line naming the criterion, the layer and the structure when a score is NaN or infinite. */
    public void requireFinite() {
        for (int l = 0; l < heads.length; l++) {
            for (double v : heads[l]) if (!Double.isFinite(v)) throw new Prune4jException(criterion + " produced a NaN/Inf head score in layer " + l);
            for (double v : channels[l]) if (!Double.isFinite(v)) throw new Prune4jException(criterion + " produced a NaN/Inf channel score in layer " + l);
        }
        if (layers != null) for (double v : layers) if (!Double.isFinite(v)) throw new Prune4jException(criterion + " produced a NaN/Inf layer score");
    }

    /** Empty score arrays shaped like the model (heads and channels per layer). */
    static Scores empty(String name, org.prune4j.model.ModelConfig c) {
        int n = c.layerCount();
        double[][] h = new double[n][], ch = new double[n][];
        for (int l = 0; l < n; l++) {
            h[l] = new double[c.layer(l).heads()];
            ch[l] = new double[c.layer(l).ffnDim()];
        }
        return new Scores(name, h, ch, new double[n]);
    }
}
