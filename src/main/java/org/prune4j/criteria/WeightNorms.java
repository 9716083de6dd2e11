package org.prune4j.criteria;

import org.prune4j.tensor.Weight;

/** Row and column reductions of weight matrices, in double, in index order (deterministic). */
public final class WeightNorms {
    private WeightNorms() {}

    /** The kinds of reduction over a matrix. */
    public enum Kind { ROW_SQUARES, COLUMN_SQUARES, COLUMN_ABS }

    public static double[] reduce(Weight m, Kind kind) {
        double[] out = new double[kind == Kind.ROW_SQUARES ? m.rows() : m.cols()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.readRows(r, 1, row, 0);
            for (int j = 0; j < row.length; j++) {
                double v = row[j];
                switch (kind) {
                    case ROW_SQUARES -> out[r] += v * v;
                    case COLUMN_SQUARES -> out[j] += v * v;
                    case COLUMN_ABS -> out[j] += Math.abs(v);
                }
            }
        }
        return out;
    }

    /** Sum of v over head h's block [h·hd, (h+1)·hd). */
    public static double headSum(double[] v, int h, int hd) {
        double s = 0;
        for (int j = h * hd; j < (h + 1) * hd; j++) s += v[j];
        return s;
    }
}
