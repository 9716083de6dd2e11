package org.prune4j.cli;

import org.prune4j.util.ProgressListener;
import org.prune4j.engine.TokenScorer;

/**
 * A progress bar on stderr: redrawn in place on a terminal, a line every ~10% otherwise (CI logs), silent when
 * disabled.
 */
final class Progress implements ProgressListener {
    private final String label;
    private final boolean enabled;
    private final boolean tty = System.console() != null;
    private final long start = System.nanoTime();
    private int lastDecile = -1;

    Progress(String label, boolean enabled) {
        this.label = label;
        this.enabled = enabled;
    }

    @Override
    public void update(long done, long total) {
        if (!enabled || total <= 0) return;
        double f = Math.min(1, (double) done / total);
        double secs = (System.nanoTime() - start) / 1e9;
        String rate = String.format("%.0f tok/s", done / Math.max(secs, 1e-9));
        if (tty) {
            int w = 30, fill = (int) (f * w);
            System.err.printf("\r%s [%s%s] %3.0f%% %d/%d %s", label, "#".repeat(fill), " ".repeat(w - fill), f * 100, done, total, rate);
            if (done >= total) System.err.println();
        } else {
            int decile = (int) (f * 10);
            if (decile != lastDecile) {
                lastDecile = decile;
                System.err.printf("%s %3.0f%% (%d/%d tokens, %s)%n", label, f * 100, done, total, rate);
            }
        }
    }
}
