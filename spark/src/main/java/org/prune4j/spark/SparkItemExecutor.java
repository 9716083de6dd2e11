package org.prune4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.prune4j.engine.Transformer;
import org.prune4j.eval.ChoiceScorer;
import org.prune4j.eval.ZeroShot;
import org.prune4j.model.Model;
import org.prune4j.util.ProgressListener;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Zero-shot items as Spark tasks: contiguous shards of whole scoring passes, each scored on an executor (every choice's
 * log-likelihood and greedy flag); the driver puts the shards back in item order and computes accuracy there.
 * The dense model and its cuts (a compare grid's pruned models) are scored on the executors (see {@link ModelRef}).
 */
public final class SparkItemExecutor implements ZeroShot.Executor {
    private final transient JavaSparkContext sc;
    private final SparkPassExecutor files;
    private final int partitions;
    private int shippedItems;

    SparkItemExecutor(JavaSparkContext sc, SparkPassExecutor files, int partitions) {
        this.sc = sc;
        this.files = files;
        this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
    }

    public int shippedItems() {
        return shippedItems;
    }

    @Override
    public ChoiceScorer.Score[][] run(Transformer tf, List<ChoiceScorer.Request[]> items, int batchTokens) {
        List<int[]> passes = ChoiceScorer.batches(items, batchTokens);
        ModelRef ref = ModelRef.of(tf.model(), files);
        if (ref == null || passes.size() < 2) return null;
        // Shards of whole scoring passes: each executor then runs exactly the passes one machine would.
        int slices = Math.min(partitions, passes.size());
        List<int[]> shards = SparkTasks.passShards(passes, slices);
        ItemTask task = new ItemTask(ref, new ArrayList<>(items), shards, batchTokens);
        List<Tuple2<Integer, ChoiceScorer.Score[][]>> out = SparkTasks.run(sc, slices, slices, task);
        ChoiceScorer.Score[][] scores = new ChoiceScorer.Score[items.size()][];
        for (Tuple2<Integer, ChoiceScorer.Score[][]> t : out) {
            int[] r = shards.get(t._1());
            System.arraycopy(t._2(), 0, scores, r[0], r[1] - r[0]);
        }
        for (int i = 0; i < scores.length; i++) if (scores[i] == null) throw new IllegalStateException("item " + i + " is missing from the Spark results");
        shippedItems += items.size();
        return scores;
    }

    record ItemTask(ModelRef model, List<ChoiceScorer.Request[]> items, List<int[]> shards, int batchTokens)
            implements FlatMapFunction<Iterator<Integer>, Tuple2<Integer, ChoiceScorer.Score[][]>>, Serializable {
        @Override
        public Iterator<Tuple2<Integer, ChoiceScorer.Score[][]>> call(Iterator<Integer> ids) throws Exception {
            Model m = model.load();
            List<Tuple2<Integer, ChoiceScorer.Score[][]>> out = new ArrayList<>();
            try (Transformer tf = ExecutorModels.engine(m)) {
                while (ids.hasNext()) {
                    int b = ids.next();
                    int[] r = shards.get(b);
                    out.add(new Tuple2<>(b, new ChoiceScorer(tf, batchTokens).score(items.subList(r[0], r[1]), ProgressListener.NONE)));
                }
            }
            return out.iterator();
        }
    }
}
