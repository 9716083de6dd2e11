package org.prune4j.linalg;

import java.util.Arrays;

/**
 * A small dense row-major double matrix: the currency of the linalg package (covariances, sketches, ICA
 * unmixing matrices). Big products over activations stay on prune4j's float GEMM; these are the k×k and T×k ones.
 */
public record DenseMatrix(int rows, int cols, double[] data) implements java.io.Serializable {
    public DenseMatrix {
        if (rows < 0 || cols < 0 || data.length != (long) rows * cols) {
            throw new IllegalArgumentException("matrix data of " + data.length + " values does not fit " + rows + "x" + cols);
        }
    }

    public static DenseMatrix zeros(int rows, int cols) {
        return new DenseMatrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
    }

    public static DenseMatrix identity(int n) {
        DenseMatrix m = zeros(n, n);
        for (int i = 0; i < n; i++) m.set(i, i, 1);
        return m;
    }

    public double get(int r, int c) {
        return data[r * cols + c];
    }

    public void set(int r, int c, double v) {
        data[r * cols + c] = v;
    }

    public DenseMatrix transpose() {
        DenseMatrix t = zeros(cols, rows);
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t.data[c * rows + r] = data[r * cols + c];
        return t;
    }

    /** this · b on {@link DoubleGemm} (each element summed in k order by one thread: deterministic). */
    public DenseMatrix times(DenseMatrix b) {
        if (cols != b.rows) throw new IllegalArgumentException("cannot multiply " + rows + "x" + cols + " by " + b.rows + "x" + b.cols);
        DenseMatrix out = zeros(rows, b.cols);
        DoubleGemm.multiply(data, rows, cols, b.data, b.cols, out.data, DoubleGemm.shared());
        return out;
    }

    /** this · b written into out (rows × b.cols), for loops that would otherwise allocate a product per step. */
    public void timesInto(DenseMatrix b, DenseMatrix out) {
        if (cols != b.rows || out.rows != rows || out.cols != b.cols) {
            throw new IllegalArgumentException("cannot multiply " + rows + "x" + cols + " by " + b.rows + "x" + b.cols + " into " + out.rows + "x" + out.cols);
        }
        DoubleGemm.multiply(data, rows, cols, b.data, b.cols, out.data, DoubleGemm.shared());
    }

    /** thisᵀ · b without forming the transpose. */
    public DenseMatrix transposeTimes(DenseMatrix b) {
        if (rows != b.rows) throw new IllegalArgumentException("cannot multiply (" + rows + "x" + cols + ")ᵀ by " + b.rows + "x" + b.cols);
        DenseMatrix out = zeros(cols, b.cols);
        DoubleGemm.multiplyTransposed(data, cols, rows, b.data, b.cols, out.data, DoubleGemm.shared());
        return out;
    }

    /** Columns [from, to) as a new matrix. */
    public DenseMatrix columns(int from, int to) {
        DenseMatrix out = zeros(rows, to - from);
        for (int r = 0; r < rows; r++) System.arraycopy(data, r * cols + from, out.data, r * out.cols, to - from);
        return out;
    }

    public DenseMatrix copy() {
        return new DenseMatrix(rows, cols, data.clone());
    }

    /** max |a − b| over all elements. */
    public double maxAbsDiff(DenseMatrix b) {
        if (rows != b.rows || cols != b.cols) throw new IllegalArgumentException("shapes differ");
        double m = 0;
        for (int i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i] - b.data[i]));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseMatrix m && rows == m.rows && cols == m.cols && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "DenseMatrix[" + rows + "x" + cols + "]";
    }
}
