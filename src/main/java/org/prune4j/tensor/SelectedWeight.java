package org.prune4j.tensor;

/**
 * Chosen rows and/or columns of a stored matrix, in the given order, without copying: what structured pruning
 * leaves of a projection (kept heads' rows, kept channels' columns) and what a RoPE layout change does to q/k rows.
 * The pruned model runs on these views and the writers stream them to disk row by row, so cutting a model costs
 * no memory beyond the mapped original.
 *
 * @param rowIndex row indices into the base, or null for all rows
 * @param colIndex column indices into the base, or null for all columns
 */
public record SelectedWeight(Matrix base, int[] rowIndex, int[] colIndex) implements Weight.BaseView {
    public SelectedWeight {
        if (rowIndex != null) for (int r : rowIndex) if (r < 0 || r >= base.rows()) throw new IllegalArgumentException("row " + r + " outside " + base);
        if (colIndex != null) for (int c : colIndex) if (c < 0 || c >= base.cols()) throw new IllegalArgumentException("column " + c + " outside " + base);
    }

    /** Rows of any weight: a view for stored, selected or generated matrices (composed), a copy for other views. */
    public static Weight rowsOf(Weight w, int[] rows) {
        return switch (w) {
            case GeneratedWeight g -> g.withRows(rows);
            case Matrix m -> new SelectedWeight(m, rows, null);
            case SelectedWeight s -> new SelectedWeight(s.base, s.rowIndex == null ? rows : compose(s.rowIndex, rows), s.colIndex);
            default -> new SelectedWeight(w.materialize(), rows, null);
        };
    }

    /** Columns of any weight: a view for stored or selected matrices (composed), a copy for other views. */
    public static Weight columnsOf(Weight w, int[] cols) {
        return switch (w) {
            case Matrix m -> new SelectedWeight(m, null, cols);
            case SelectedWeight s -> new SelectedWeight(s.base, s.rowIndex, s.colIndex == null ? cols : compose(s.colIndex, cols));
            default -> new SelectedWeight(w.materialize(), null, cols);
        };
    }

    private static int[] compose(int[] outer, int[] inner) {
        int[] out = new int[inner.length];
        for (int i = 0; i < inner.length; i++) out[i] = outer[inner[i]];
        return out;
    }

    @Override public int rows() { return rowIndex == null ? base.rows() : rowIndex.length; }
    @Override public int cols() { return colIndex == null ? base.cols() : colIndex.length; }

    /** True when whole stored rows survive (no column cut): rows can be copied byte for byte in any dtype. */
    public boolean wholeRows() {
        return colIndex == null;
    }

    /** The base row behind view row r. */
    public int baseRow(int r) {
        return rowIndex == null ? r : rowIndex[r];
    }

    @Override
    public void readRows(int r0, int n, float[] dst, int dstOff) {
        int k = cols();
        if (colIndex == null) {
            if (rowIndex == null) {
                base.readRows(r0, n, dst, dstOff);
                return;
            }
            for (int i = 0; i < n; i++) base.readRows(rowIndex[r0 + i], 1, dst, dstOff + i * k);
            return;
        }
        float[] full = new float[base.cols()];
        for (int i = 0; i < n; i++) {
            base.readRows(baseRow(r0 + i), 1, full, 0);
            int o = dstOff + i * k;
            for (int c = 0; c < k; c++) dst[o + c] = full[colIndex[c]];
        }
    }
}
