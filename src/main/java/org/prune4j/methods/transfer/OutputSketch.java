package org.prune4j.methods.transfer;

import org.prune4j.calib.Collector;
import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.TapPoint;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.tensor.CounterNoise;

import java.util.Set;

/**
 * Randomised range sketches Z_m = X_mᵀ·(X_m·Ω) of every module's output (and the final hidden state), for the PCA
 * subspace of wide models. One Gaussian Ω [hidden × l] serves all modules (they share the hidden size, and a
 * sketch needs no independence between modules); it is drawn once from {@link CounterNoise} and both products run
 * on the double GEMM, so a pass costs 4·tokens·hidden·l flops per module. Pass states add up in window order.
 */
final class OutputSketch implements Collector {
    private final int layers, hidden, l;
    private final boolean fin;
    private final long seed;
    private final DenseMatrix omega;
    private final DenseMatrix[] z;

    OutputSketch(int layers, int hidden, int l, boolean fin, long seed) {
        this(layers, hidden, l, fin, seed, omega(hidden, l, seed));
    }

    private OutputSketch(int layers, int hidden, int l, boolean fin, long seed, DenseMatrix omega) {
        this.layers = layers;
        this.hidden = hidden;
        this.l = l;
        this.fin = fin;
        this.seed = seed;
        this.omega = omega;
        this.z = new DenseMatrix[2 * layers + (fin ? 1 : 0)];
    }

    static DenseMatrix omega(int hidden, int l, long seed) {
        DenseMatrix m = DenseMatrix.zeros(hidden, l);
        for (int j = 0; j < hidden; j++) {
            long key = CounterNoise.key(seed, 0, 0, j);
            for (int c = 0; c < l; c++) m.set(j, c, CounterNoise.gaussian(key, c));
        }
        return m;
    }

    @Override
    public Set<TapPoint> points() {
        return fin ? Set.of(TapPoint.ATTN_OUTPUT, TapPoint.MLP_OUTPUT, TapPoint.LAYER_OUTPUT) : Set.of(TapPoint.ATTN_OUTPUT, TapPoint.MLP_OUTPUT);
    }

    @Override
    public void observe(int layer, TapPoint p, float[] data, int rows, int width, BatchLayout layout) {
        int m;
        if (p == TapPoint.LAYER_OUTPUT) {
            if (layer != layers - 1) return;
            m = 2 * layers;
        } else {
            m = 2 * layer + (p == TapPoint.MLP_OUTPUT ? 1 : 0);
        }
        DenseMatrix x = DenseMatrix.zeros(rows, width);
        for (int i = 0; i < rows * width; i++) x.data()[i] = data[i];
        DenseMatrix part = x.transposeTimes(x.times(omega));
        if (z[m] == null) z[m] = part;
        else for (int i = 0; i < part.data().length; i++) z[m].data()[i] += part.data()[i];
    }

    /** Z of module m [hidden × l], or null if it never fired. */
    DenseMatrix sketch(int m) {
        return z[m];
    }

    @Override
    public OutputSketch fresh() {
        return new OutputSketch(layers, hidden, l, fin, seed, omega);
    }

    @Override
    public void merge(Collector later) {
        OutputSketch o = (OutputSketch) later;
        for (int m = 0; m < z.length; m++) {
            if (o.z[m] == null) continue;
            if (z[m] == null) z[m] = o.z[m];
            else for (int i = 0; i < z[m].data().length; i++) z[m].data()[i] += o.z[m].data()[i];
        }
    }

    @Override
    public void finish() {
        for (int m = 0; m < z.length; m++) {
            if (z[m] == null) continue;
            for (double v : z[m].data()) {
                if (!Double.isFinite(v)) throw new org.prune4j.util.Prune4jException("the output sketch of module " + m + " contains NaN/Inf");
            }
        }
    }
}
