package org.prune4j.methods.transfer;

import org.prune4j.calib.Collector;

import org.prune4j.engine.BatchLayout;
import org.prune4j.engine.TapPoint;
import org.prune4j.linalg.DenseMatrix;
import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Per-module output series over tokens: for every calibration window and every module (the attention and the MLP
 * sub-block of each layer, 2L modules), the module's residual contribution per token (o_proj / down_proj output)
 * projected on a per-module basis: (y − mean)·B with B [hidden × r]. Tokens are time points, so these are the
 * series that module-interaction measures (transfer entropy) read. Bases and means come first (e.g. from a
 * range sketch of the module outputs or a covariance); the series then cost windows × tokens × 2L × r floats.
 * With a basis at index 2L the final hidden state (the residual stream leaving the last layer) is recorded too, as
 * module 2L. The {@link #norms} form records the per-token L2 norm of each module's output instead (r = 1).
 *
 * <p>Windows are kept in the order their passes ran, so pass states merge by appending in window order.
 */
public final class ModuleSeries implements Collector {
    /** Module index of a layer's sub-block: attention 2l, MLP 2l+1. */
    public static int module(int layer, boolean mlp) {
        return 2 * layer + (mlp ? 1 : 0);
    }

    private final DenseMatrix[] bases;
    private final double[][] means;
    private final int r;
    /** Norm mode: which modules to record (bases is null). */
    private final boolean[] normOf;
    /** series.get(w)[m] = [tokens × r] of window w, module m (null when the module is absent). */
    private final List<float[][]> series = new ArrayList<>();
    private final List<Integer> lengths = new ArrayList<>();

    /**
     * @param bases per module [hidden × r] (null for a module to skip)
     * @param means per module [hidden] subtracted before projecting (null: none)
     */
    public ModuleSeries(DenseMatrix[] bases, double[][] means) {
        this.bases = bases;
        this.means = means;
        this.normOf = null;
        int rr = -1;
        for (DenseMatrix b : bases) {
            if (b == null) continue;
            if (rr >= 0 && b.cols() != rr) throw new Prune4jException("module series bases must share one dimension, got " + rr + " and " + b.cols());
            rr = b.cols();
        }
        this.r = Math.max(rr, 0);
    }

    private ModuleSeries(boolean[] normOf) {
        this.bases = null;
        this.means = null;
        this.normOf = normOf.clone();
        this.r = 1;
    }

    /** Per-token L2 norms of the modules marked (length 2L, or 2L + 1 with the final hidden state). */
    public static ModuleSeries norms(boolean[] modules) {
        return new ModuleSeries(modules);
    }

    private int slots() {
        return bases != null ? bases.length : normOf.length;
    }

    /** Whether the final hidden state is recorded as module 2L (then {@code layers} = (slots − 1) / 2). */
    private boolean recordsFinal() {
        return slots() % 2 == 1;
    }

    @Override
    public Set<TapPoint> points() {
        return recordsFinal() ? Set.of(TapPoint.ATTN_OUTPUT, TapPoint.MLP_OUTPUT, TapPoint.LAYER_OUTPUT) : Set.of(TapPoint.ATTN_OUTPUT, TapPoint.MLP_OUTPUT);
    }

    @Override
    public void observe(int layer, TapPoint p, float[] data, int rows, int width, BatchLayout layout) {
        int layers = slots() / 2;
        int m;
        if (p == TapPoint.LAYER_OUTPUT) {
            if (layer != layers - 1) return;
            m = 2 * layers;
        } else {
            m = module(layer, p == TapPoint.MLP_OUTPUT);
        }
        DenseMatrix b = bases == null ? null : bases[m];
        if (bases == null ? !normOf[m] : b == null) return;
        // A pass's taps share one layout object; a new one means the next windows, whose sequence indexes start at 0.
        if (layout != current) startPass(layout);
        int first = passFirst;
        double[] mu = means == null ? null : means[m];
        // Wide projections run on the double GEMM: (rows × width) · (width × r).
        DenseMatrix proj = null;
        if (b != null) {
            DenseMatrix x = DenseMatrix.zeros(rows, width);
            for (int row = 0; row < rows; row++) {
                for (int j = 0; j < width; j++) x.data()[row * width + j] = data[row * width + j] - (mu == null ? 0 : mu[j]);
            }
            proj = x.times(b);
        }
        for (int row = 0; row < rows; row++) {
            int w = first + layout.sequence()[row], t = layout.position()[row];
            float[][] s = series.get(w);
            if (s[m] == null) s[m] = new float[lengths.get(w) * r];
            if (proj == null) {
                int o = row * width;
                double ss = 0;
                for (int j = 0; j < width; j++) ss += (double) data[o + j] * data[o + j];
                s[m][t] = (float) Math.sqrt(ss);
                continue;
            }
            for (int c = 0; c < r; c++) s[m][t * r + c] = (float) proj.get(row, c);
        }
    }

    private transient BatchLayout current;
    private int passFirst;

    private void startPass(BatchLayout layout) {
        current = layout;
        passFirst = series.size();
        int n = countWindows(layout);
        int[] len = new int[n];
        for (int row = 0; row < layout.rows(); row++) len[layout.sequence()[row]] = Math.max(len[layout.sequence()[row]], layout.position()[row] + 1);
        for (int i = 0; i < n; i++) {
            series.add(new float[slots()][]);
            lengths.add(len[i]);
        }
    }

    private static int countWindows(BatchLayout layout) {
        int n = 0;
        for (int s : layout.sequence()) n = Math.max(n, s + 1);
        return n;
    }

    /** Windows recorded. */
    public int windows() {
        return series.size();
    }

    /** Tokens of window w. */
    public int length(int w) {
        return lengths.get(w);
    }

    /** The r-dimensional series of one module in one window, [tokens × r] row-major (null if skipped). */
    public float[] series(int window, int module) {
        return series.get(window)[module];
    }

    public int dims() {
        return r;
    }

    @Override
    public ModuleSeries fresh() {
        return bases == null ? new ModuleSeries(normOf) : new ModuleSeries(bases, means);
    }

    /** Module slots: 2L, or 2L + 1 when the final hidden state is recorded. */
    public int modules() {
        return slots();
    }

    @Override
    public void merge(Collector later) {
        ModuleSeries o = (ModuleSeries) later;
        series.addAll(o.series);
        lengths.addAll(o.lengths);
    }

    @Override
    public void finish() {
        for (float[][] w : series) for (float[] s : w) if (s != null) for (float v : s) {
            if (!Float.isFinite(v)) throw new Prune4jException("a module output series contains NaN/Inf");
        }
    }
}
