package org.prune4j.grad;

import java.util.List;

/**
 * The row layout of a backprop batch: every window is its own sequence starting at position 0, its tokens are
 * consecutive rows. Attention never crosses windows.
 */
record Windows(int[] start, int[] length, int[] position, int[] tokens, int rows) {
    static Windows of(List<int[]> windows) {
        int n = windows.size(), rows = 0;
        int[] start = new int[n], length = new int[n];
        for (int w = 0; w < n; w++) {
            start[w] = rows;
            length[w] = windows.get(w).length;
            rows += length[w];
        }
        int[] pos = new int[rows], tok = new int[rows];
        for (int w = 0; w < n; w++) {
            for (int i = 0; i < length[w]; i++) {
                pos[start[w] + i] = i;
                tok[start[w] + i] = windows.get(w)[i];
            }
        }
        return new Windows(start, length, pos, tok, rows);
    }

    int count() { return start.length; }

    int maxLength() {
        int m = 0;
        for (int l : length) m = Math.max(m, l);
        return m;
    }

    /** Next-token predictions in the batch: every position but each window's last. */
    long predictions() {
        long p = 0;
        for (int l : length) p += Math.max(0, l - 1);
        return p;
    }
}
