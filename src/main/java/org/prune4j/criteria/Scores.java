package org.prune4j.criteria;

import org.prune4j.util.Prune4jException;

/**
 * Importance per structure (higher = more important): per layer, one score per query head, per MLP channel, and
 * one for the whole layer (used by depth pruning). A KV group's score is the sum of its kept heads'.
 *
 * @param standardised true when the criterion already put heads and channels of all layers on one scale (FLAP's
 *                     per-layer standardisation); allocations that compare across layers then use the scores as
 *                     they are instead of standardising them again
 * @param modules      per-module importance, higher = more important (the attention sub-block of layer l at 2l, its MLP
 *                     at 2l+1), for allocations that set a ratio per module (transfer entropy), or null; the
 *                     allocation's own settings (its largest ratio, whether a module may go whole) travel with it
 */
public record Scores(String criterion, double[][] heads, double[][] channels, double[] layers, boolean standardised, double[] modules) {

    public Scores {
        if (modules != null) for (double v : modules) if (!Double.isFinite(v)) throw new Prune4jException(criterion + " produced a NaN/Inf module importance");
    }

    public Scores(String criterion, double[][] heads, double[][] channels, double[] layers, boolean standardised) {
        this(criterion, heads, channels, layers, standardised, null);
    }

    public Scores(String criterion, double[][] heads, double[][] channels, double[] layers) {
        this(criterion, heads, channels, layers, false);
    }

    /** These scores with per-module importances attached. */
    public Scores withModules(double[] m) {
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
    public static Scores empty(String name, org.prune4j.model.ModelConfig c) {
        int n = c.layerCount();
        double[][] h = new double[n][], ch = new double[n][];
        for (int l = 0; l < n; l++) {
            h[l] = new double[c.layer(l).heads()];
            ch[l] = new double[c.layer(l).ffnDim()];
        }
        return new Scores(name, h, ch, new double[n]);
    }

    /**
     * (v − mean) / std with the unbiased std, as torch.std; a constant vector becomes zeros: FLAP's per-layer
     * standardisation, which allocations that compare scores across layers share.
     */
    public static double[] standardise(double[] v) {
        double mu = 0;
        for (double x : v) mu += x;
        mu /= Math.max(1, v.length);
        double ss = 0;
        for (double x : v) ss += (x - mu) * (x - mu);
        double sd = Math.sqrt(ss / Math.max(1, v.length - 1));
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = sd > 0 ? (v[i] - mu) / sd : 0;
        return out;
    }
}
