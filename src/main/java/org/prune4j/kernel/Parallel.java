package org.prune4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * An explicit-size worker pool (never the common pool: {@code --threads} must mean what it says).
 * Work is split into contiguous ranges; tiny jobs run inline because forking costs more than they do.
 */
public final class Parallel implements AutoCloseable {
    /** Body of a parallel loop over [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    private final ForkJoinPool pool;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    public static Parallel sequential() {
        return new Parallel(1);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) in chunks of at least {@code grain} items; {@code work} is a rough cost estimate
     * (multiply-adds) used to stay sequential when forking would not pay.
     */
    public void forRange(int n, int grain, long work, RangeBody body) {
        if (n <= 0) return;
        if (pool == null || work < 200_000 || n <= grain) {
            body.run(0, n);
            return;
        }
        int chunks = Math.max(1, Math.min(threads * 4, (n + grain - 1) / grain));
        int size = (n + chunks - 1) / chunks;
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
        for (int start = 0; start < n; start += size) {
            final int from = start, to = Math.min(n, start + size);
            tasks.add(pool.submit(() -> body.run(from, to)));
        }
        for (ForkJoinTask<?> t : tasks) t.join();
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdown();
    }
}
