package org.prune4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.prune4j.engine.Transformer;
import org.prune4j.methods.networks.FunctionalNetworks;
import org.prune4j.methods.networks.IcaChunks;
import org.prune4j.model.Model;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Functional-network ICA chunks as Spark tasks, one chunk per task: each returns its chunk's saliency, key-neuron
 * counts and log; the driver merges them in chunk order by max, so the networks equal one machine's.
 */
public final class SparkChunkExecutor implements IcaChunks.Executor {
    private final transient JavaSparkContext sc;
    private final SparkPassExecutor files;
    private int shippedChunks;

    SparkChunkExecutor(JavaSparkContext sc, SparkPassExecutor files) {
        this.sc = sc;
        this.files = files;
    }

    public int shippedChunks() {
        return shippedChunks;
    }

    @Override
    public List<IcaChunks.Result> run(Model model, List<List<int[]>> chunks, FunctionalNetworks.Settings s, int[] range, long seed) {
        ModelRef ref = ModelRef.of(model, files);
        if (ref == null || chunks.size() < 2) return null;
        ChunkTask task = new ChunkTask(ref, new ArrayList<>(chunks), s, range.clone(), seed);
        List<IcaChunks.Result> results = SparkTasks.byIndex(sc, chunks.size(), chunks.size(), task, "chunk");
        shippedChunks += chunks.size();
        return results;
    }

    /** The executor side: one engine per task over the JVM's mapped model, CanICA on the DoubleGemm's threads. */
    record ChunkTask(ModelRef model, List<List<int[]>> chunks, FunctionalNetworks.Settings settings, int[] range, long seed)
            implements FlatMapFunction<Iterator<Integer>, Tuple2<Integer, byte[]>>, Serializable {
        @Override
        public Iterator<Tuple2<Integer, byte[]>> call(Iterator<Integer> indices) throws Exception {
            Model m = model.load();
            List<Tuple2<Integer, byte[]>> out = new ArrayList<>();
            try (Transformer tf = ExecutorModels.engine(m)) {
                while (indices.hasNext()) {
                    int r = indices.next();
                    out.add(new Tuple2<>(r, SparkTasks.write(IcaChunks.compute(tf, chunks.get(r), settings, range, seed, r, d -> {}))));
                }
            }
            return out.iterator();
        }
    }
}
