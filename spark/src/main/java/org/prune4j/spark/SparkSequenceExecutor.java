package org.prune4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.prune4j.engine.Batches;
import org.prune4j.engine.Transformer;
import org.prune4j.eval.Perplexity;
import org.prune4j.engine.TokenScorer;
import org.prune4j.model.Model;
import org.prune4j.util.ProgressListener;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Perplexity as Spark tasks: the evaluation's sequences (documents, stream windows, or the word protocol's rolling
 * windows) in contiguous shards of whole scoring passes, each scored on an executor; the driver puts the per-sequence
 * losses back in sequence order and sums them there, so the perplexity equals one machine's bit for bit. The dense
 * model and its cuts (a compare grid's pruned models) are scored on the executors (see {@link ModelRef}).
 */
public final class SparkSequenceExecutor implements Perplexity.Executor {
    private final transient JavaSparkContext sc;
    private final SparkPassExecutor files;
    private final int partitions;
    private long shippedTokens;

    SparkSequenceExecutor(JavaSparkContext sc, SparkPassExecutor files, int partitions) {
        this.sc = sc;
        this.files = files;
        this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
    }

    /** Tokens scored (predicted) as Spark tasks so far. */
    public long shippedTokens() {
        return shippedTokens;
    }

    @Override
    public double[][] score(Transformer tf, List<int[]> sequences, int batchTokens) {
        Object[] out = run(tf, sequences, null, batchTokens);
        if (out == null) return null;
        double[][] nll = new double[out.length][];
        for (int i = 0; i < out.length; i++) nll[i] = (double[]) out[i];
        return nll;
    }

    @Override
    public double[] scoreTargets(Transformer tf, List<int[]> inputs, List<int[]> targets, int batchTokens) {
        Object[] out = run(tf, inputs, targets, batchTokens);
        if (out == null) return null;
        double[] nll = new double[out.length];
        for (int i = 0; i < out.length; i++) nll[i] = (Double) out[i];
        return nll;
    }

    /** Per sequence: its double[] of token losses (targets null) or its Double summed target loss. */
    private Object[] run(Transformer tf, List<int[]> sequences, List<int[]> targets, int batchTokens) {
        List<int[]> passes = Batches.plan(sequences, batchTokens);
        ModelRef ref = ModelRef.of(tf.model(), files);
        if (ref == null || passes.size() < 2) return null;
        int slices = Math.min(partitions, passes.size());
        List<int[]> shards = SparkTasks.passShards(passes, slices);
        SequenceTask task = new SequenceTask(ref, new ArrayList<>(sequences),
                targets == null ? null : new ArrayList<>(targets), shards, batchTokens);
        List<Object[]> parts = SparkTasks.byIndex(sc, slices, slices, task, "perplexity shard");
        Object[] out = new Object[sequences.size()];
        for (int b = 0; b < slices; b++) System.arraycopy(parts.get(b), 0, out, shards.get(b)[0], shards.get(b)[1] - shards.get(b)[0]);
        for (int[] s : targets == null ? sequences : targets) shippedTokens += targets == null ? s.length - 1 : s.length;
        return out;
    }

    record SequenceTask(ModelRef model, List<int[]> sequences, List<int[]> targets, List<int[]> shards, int batchTokens)
            implements FlatMapFunction<Iterator<Integer>, Tuple2<Integer, byte[]>>, Serializable {
        @Override
        public Iterator<Tuple2<Integer, byte[]>> call(Iterator<Integer> ids) throws Exception {
            Model m = model.load();
            List<Tuple2<Integer, byte[]>> out = new ArrayList<>();
            try (Transformer tf = ExecutorModels.engine(m)) {
                TokenScorer scorer = new TokenScorer(tf, batchTokens);
                while (ids.hasNext()) {
                    int b = ids.next();
                    int[] r = shards.get(b);
                    Object[] part;
                    if (targets == null) {
                        part = scorer.score(sequences.subList(r[0], r[1]), ProgressListener.NONE);
                    } else {
                        double[] sums = scorer.scoreTargets(sequences.subList(r[0], r[1]), targets.subList(r[0], r[1]), ProgressListener.NONE);
                        part = new Object[sums.length];
                        for (int i = 0; i < sums.length; i++) part[i] = sums[i];
                    }
                    out.add(new Tuple2<>(b, SparkTasks.write(part)));
                }
            }
            return out.iterator();
        }
    }
}
