package org.prune4j.tensor;

/**
 * What the engine multiplies: a weight matrix [rows × cols] that can be widened to f32 row by row. Either the
 * {@link Matrix} as stored (mapped or heap), or a view over one that changes values while widening and never
 * writes the stored bytes: {@link PerturbedWeight} (W + ε·z, z regenerated from a counter-based generator) and
 * {@link LowRankWeight} (W + s·B·A), {@link SelectedWeight} (kept rows/columns after a cut, or a row permutation),
 * and {@link GeneratedWeight} (seeded random values of synthetic checkpoints). Because views never modify the
 * base, "restoring" a weight is dropping the view.
 */
public sealed interface Weight permits Matrix, GeneratedWeight, Weight.BaseView {
    /** A view that changes a stored matrix's values and keeps its shape. */
    sealed interface BaseView extends Weight permits PerturbedWeight, LowRankWeight, SelectedWeight {
        @Override default int rows() { return base().rows(); }
        @Override default int cols() { return base().cols(); }
        @Override default DType dtype() { return base().dtype(); }
    }

    int rows();

    int cols();

    /** The stored dtype underneath (a view's values are f32 once widened). */
    DType dtype();

    /** Widens rows [r0, r0+n) to f32 into dst (dense, n × cols), view changes applied. */
    void readRows(int r0, int n, float[] dst, int dstOff);

    /** The stored matrix this weight reads from (itself for a plain matrix). */
    Matrix base();

    /** A stored matrix with this weight's values: itself when plain, an f32 heap copy of a view. */
    default Matrix materialize() {
        float[] v = new float[Math.toIntExact((long) rows() * cols())];
        readRows(0, rows(), v, 0);
        return Matrix.ofFloats(v, rows(), cols());
    }

    default float[] row(int r) {
        float[] out = new float[cols()];
        readRows(r, 1, out, 0);
        return out;
    }

    default float[] toFloats() {
        float[] out = new float[Math.toIntExact((long) rows() * cols())];
        readRows(0, rows(), out, 0);
        return out;
    }
}
