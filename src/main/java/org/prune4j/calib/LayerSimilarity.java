package org.prune4j.calib;

import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.TapPoint;
import org.prune4j.util.Prune4jException;

import java.util.Set;

/**
 * Per layer, the summed cosine between each token's hidden state entering and leaving the layer (ShortGPT's block
 * influence is 1 − the mean). Only the current layer's input is kept: one reusable buffer.
 */
public final class LayerSimilarity implements Collector {
    private final double[] cosSum;
    private long tokens;
    private int countingLayer = -1;
    private float[] layerIn = new float[0];

    public LayerSimilarity(int layers) {
        cosSum = new double[layers];
    }

    @Override
    public Set<TapPoint> points() {
        return Set.of(TapPoint.LAYER_INPUT, TapPoint.LAYER_OUTPUT);
    }

    @Override
    public void observe(int layer, TapPoint p, float[] data, int rows, int width, BatchLayout layout) {
        if (p == TapPoint.LAYER_INPUT) {
            if (countingLayer < 0) countingLayer = layer;
            if (layer == countingLayer) tokens += rows;
            if (layerIn.length < rows * width) layerIn = new float[rows * width];
            System.arraycopy(data, 0, layerIn, 0, rows * width);
        } else if (p == TapPoint.LAYER_OUTPUT) {
            for (int r = 0; r < rows; r++) cosSum[layer] += cosine(layerIn, data, r * width, width);
        }
    }

    /** Mean cosine of each layer's input and output over the calibration tokens. */
    public double[] meanCosine() {
        double[] m = new double[cosSum.length];
        for (int l = 0; l < m.length; l++) m[l] = cosSum[l] / tokens;
        return m;
    }

    @Override
    public LayerSimilarity fresh() {
        return new LayerSimilarity(cosSum.length);
    }

    @Override
    public void merge(Collector later) {
        LayerSimilarity o = (LayerSimilarity) later;
        tokens += o.tokens;
        for (int l = 0; l < cosSum.length; l++) cosSum[l] += o.cosSum[l];
    }

    @Override
    public void finish() {
        for (int l = 0; l < cosSum.length; l++) {
            if (!Double.isFinite(cosSum[l])) throw new Prune4jException("calibration statistics of layer " + l + " contain NaN/Inf (block influence)");
        }
    }

    private static double cosine(float[] a, float[] b, int off, int n) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < n; i++) {
            ab += (double) a[off + i] * b[off + i];
            aa += (double) a[off + i] * a[off + i];
            bb += (double) b[off + i] * b[off + i];
        }
        return ab / Math.sqrt(aa * bb + 1e-30);
    }
}
