package org.prune4j.calib;

import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.TapPoint;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.tensor.CounterNoise;
import org.prune4j.util.Prune4jException;

import java.util.Set;

/**
 * A randomised range sketch of one tap point's activations per layer, Z = Xᵀ·(X·Ω) summed over all calibration
 * tokens, with Ω [width × l] Gaussian from {@link CounterNoise} (regenerated, never stored). The column space of Z
 * approximates the top principal directions of XᵀX without ever holding the tokens × width activation matrix, and
 * pass states add up, so it merges like the moments. Orthonormalise Z (and do the small SVD) with
 * {@link org.prune4j.linalg.Decompositions}.
 */
public final class RangeSketch implements Collector {
    private final TapPoint point;
    private final int[] width;
    private final int l;
    private final long seed;
    private final double[][] z;
    private long tokens;
    private int countingLayer = -1;

    /** @param width per-layer width of the tapped activation (0 for a layer without it) */
    public RangeSketch(TapPoint point, int[] width, int l, long seed) {
        if (l < 1) throw new Prune4jException("a range sketch needs at least one column, got " + l);
        this.point = point;
        this.width = width.clone();
        this.l = l;
        this.seed = seed;
        this.z = new double[width.length][];
        for (int i = 0; i < width.length; i++) z[i] = new double[width[i] * l];
    }

    @Override
    public Set<TapPoint> points() {
        return Set.of(point);
    }

    @Override
    public void observe(int layer, TapPoint p, float[] data, int rows, int w, BatchLayout layout) {
        if (countingLayer < 0) countingLayer = layer;
        if (layer == countingLayer) tokens += rows;
        double[] zl = z[layer];
        double[] y = new double[l];
        for (int r = 0; r < rows; r++) {
            int o = r * w;
            java.util.Arrays.fill(y, 0);
            // y = x · Ω (Ω's row j regenerated from its key), then Z += xᵀ y.
            for (int j = 0; j < w; j++) {
                double x = data[o + j];
                if (x == 0) continue;
                long key = CounterNoise.key(seed, layer, point.ordinal(), j);
                for (int c = 0; c < l; c++) y[c] += x * CounterNoise.gaussian(key, c);
            }
            for (int j = 0; j < w; j++) {
                double x = data[o + j];
                if (x == 0) continue;
                int zo = j * l;
                for (int c = 0; c < l; c++) zl[zo + c] += x * y[c];
            }
        }
    }

    /** Z of one layer, [width × l]. */
    public DenseMatrix sketch(int layer) {
        return new DenseMatrix(width[layer], l, z[layer].clone());
    }

    /** Ω of one layer, [width × l], regenerated. */
    public DenseMatrix omega(int layer) {
        DenseMatrix m = DenseMatrix.zeros(width[layer], l);
        for (int j = 0; j < width[layer]; j++) {
            long key = CounterNoise.key(seed, layer, point.ordinal(), j);
            for (int c = 0; c < l; c++) m.set(j, c, CounterNoise.gaussian(key, c));
        }
        return m;
    }

    public long tokens() {
        return tokens;
    }

    @Override
    public RangeSketch fresh() {
        return new RangeSketch(point, width, l, seed);
    }

    @Override
    public void merge(Collector later) {
        RangeSketch o = (RangeSketch) later;
        tokens += o.tokens;
        for (int i = 0; i < z.length; i++) for (int j = 0; j < z[i].length; j++) z[i][j] += o.z[i][j];
    }

    @Override
    public void finish() {
        for (int i = 0; i < z.length; i++) {
            for (double v : z[i]) if (!Double.isFinite(v)) throw new Prune4jException("the activation sketch of layer " + i + " contains NaN/Inf");
        }
    }
}
