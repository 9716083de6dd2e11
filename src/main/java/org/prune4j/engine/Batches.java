package org.prune4j.engine;

import org.prune4j.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;

/**
 * The one batching loop of the project: packs whole sequences, in order, into forward passes of at most
 * {@code batchTokens} rows (a longer sequence runs alone) and hands each pass to a consumer. Calibration and
 * evaluation both run through it, so packing, caches and progress behave the same everywhere.
 */
public final class Batches {
    private Batches() {}

    /** Receives one packed pass: the chunks (one per sequence, in order) and the indices of their sequences. */
    @FunctionalInterface
    public interface PassConsumer {
        void accept(List<Chunk> chunks, int[] sequenceIds);
    }

    /** The sequence index ranges [from, to) of each pass, as {@link #run} packs them. */
    public static List<int[]> plan(List<int[]> sequences, int batchTokens) {
        List<int[]> passes = new ArrayList<>();
        int start = 0, rows = 0;
        for (int i = 0; i < sequences.size(); i++) {
            int len = sequences.get(i).length;
            if (i > start && rows + len > batchTokens) {
                passes.add(new int[]{start, i});
                start = i;
                rows = 0;
            }
            rows += len;
        }
        if (start < sequences.size()) passes.add(new int[]{start, sequences.size()});
        return passes;
    }

    /** Packs the sequences and calls the consumer once per pass with fresh caches sized to each sequence. */
    public static void run(ModelConfigSource model, List<int[]> sequences, int batchTokens, PassConsumer consumer,
                           ProgressListener progress) {
        run(model, sequences, batchTokens, consumer, progress, null);
    }

    /** As above, taking each pass's caches from a pool (and returning them) when one is given. */
    public static void run(ModelConfigSource model, List<int[]> sequences, int batchTokens, PassConsumer consumer,
                           ProgressListener progress, CachePool pool) {
        long total = sequences.stream().mapToLong(s -> s.length).sum(), done = 0;
        for (int[] pass : plan(sequences, Math.max(1, batchTokens))) {
            int[] ids = new int[pass[1] - pass[0]];
            for (int i = pass[0]; i < pass[1]; i++) {
                int[] s = sequences.get(i);
                if (s.length > model.config().contextLength()) {
                    throw new IllegalArgumentException("sequence of " + s.length + " tokens exceeds the model context " + model.config().contextLength());
                }
                ids[i - pass[0]] = i;
                done += s.length;
            }
            List<int[]> seqs = sequences.subList(pass[0], pass[1]);
            List<Chunk> chunks = pool == null ? chunks(model.config(), seqs) : pooled(pool, seqs);
            consumer.accept(chunks, ids);
            if (pool != null) pool.release(chunks);
            progress.update(done, total);
        }
    }

    /** One chunk per sequence, each with a fresh cache sized to it. */
    public static List<Chunk> chunks(org.prune4j.model.ModelConfig config, List<int[]> sequences) {
        List<Chunk> out = new ArrayList<>();
        for (int[] s : sequences) out.add(new Chunk(new KvCache(config, s.length), s));
        return out;
    }

    private static List<Chunk> pooled(CachePool pool, List<int[]> sequences) {
        List<Chunk> out = new ArrayList<>();
        for (int[] s : sequences) out.add(new Chunk(pool.take(s.length), s));
        return out;
    }

    /** Anything that knows the config caches are sized for (a Transformer). */
    public interface ModelConfigSource {
        org.prune4j.model.ModelConfig config();
    }
}
