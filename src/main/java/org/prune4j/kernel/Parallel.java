package org.prune4j.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * An explicit-size team of worker threads ({@code --threads} means what it says; the common pool is never used).
 * Decoding one token runs ~150 short parallel loops, so the team is persistent: workers spin briefly between
 * loops and park only when idle, and the calling thread takes chunks itself, which costs microseconds per loop
 * where a fork/join pool costs tens. Tiny loops run inline.
 */
public final class Parallel implements AutoCloseable {
    /** Body of a parallel loop over [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Spins before a worker parks: covers the gaps between the loops of one forward pass. */
    private static final int SPINS = 1 << 16;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long generation;
    private volatile boolean closed;
    private volatile RangeBody body;
    private volatile int n, chunkSize, chunks;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("the thread count must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("prune4j-worker-" + i).unstarted(this::workerLoop);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) in chunks of at least {@code grain} items; {@code work} is a rough cost estimate
     * (multiply-adds) used to stay sequential when splitting would not pay.
     */
    public synchronized void forRange(int n, int grain, long work, RangeBody body) {
        if (n <= 0) return;
        if (workers.length == 0 || work < 200_000 || n <= grain || Thread.currentThread().getName().startsWith("prune4j-worker")) {
            body.run(0, n);
            return;
        }
        int c = Math.max(1, Math.min(threads * 4, (n + grain - 1) / grain));
        this.n = n;
        this.chunkSize = (n + c - 1) / c;
        this.chunks = (n + chunkSize - 1) / chunkSize;
        this.body = body;
        nextChunk.set(0);
        failure.set(null);
        running.set(workers.length);
        generation++; // publishes the fields above to the workers
        for (Thread w : workers) LockSupport.unpark(w);
        runChunks();
        while (running.get() != 0) Thread.onSpinWait();
        this.body = null;
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    private void runChunks() {
        RangeBody b = body;
        int size = chunkSize, total = n, count = chunks;
        for (int c; (c = nextChunk.getAndIncrement()) < count; ) {
            try {
                b.run(c * size, Math.min(total, (c + 1) * size));
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    private void workerLoop() {
        long seen = 0;
        while (!closed) {
            long g = generation;
            if (g == seen) {
                // Spin once after each loop, then sleep until forRange unparks us: an idle team burns no CPU.
                // (An unpark that lands before the park leaves a permit, so no wake-up is lost.)
                for (int i = 0; i < SPINS && generation == seen && !closed; i++) Thread.onSpinWait();
                while (generation == seen && !closed) LockSupport.park(this);
                continue;
            }
            seen = g;
            runChunks();
            running.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
