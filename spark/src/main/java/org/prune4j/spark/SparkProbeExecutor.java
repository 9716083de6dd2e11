package org.prune4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.prune4j.methods.minillm.ZerothOrder;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.tensor.CounterNoise;
import org.prune4j.util.ProgressListener;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * MINI-LLM's zero-order probes as Spark tasks: probes sorted by the first layer they change (so a task resumes its
 * passes from few saved residual streams) and dealt into contiguous batches, one batch per task; each task returns
 * its probes' scalars only. A scalar depends on its probe alone, so the estimate equals one machine's.
 */
public final class SparkProbeExecutor implements ZerothOrder.Executor {
    private final transient JavaSparkContext sc;
    private final SparkPassExecutor files;
    private final int partitions;
    private int shippedProbes;

    SparkProbeExecutor(JavaSparkContext sc, SparkPassExecutor files, int partitions) {
        this.sc = sc;
        this.files = files;
        this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
    }

    public int shippedProbes() {
        return shippedProbes;
    }

    @Override
    public double[] run(Model model, List<int[]> windows, List<ZerothOrder.Probe> probes, int[] layers, double eps, CounterNoise.Distribution dist) {
        ModelRef ref = ModelRef.of(model, files);
        if (ref == null || probes.size() < 2) return null;
        Integer[] order = IntStream.range(0, probes.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> ZerothOrder.firstLayer(probes.get(i), layers)).thenComparingInt(i -> i));
        int slices = Math.min(partitions, probes.size());
        List<int[]> batches = new ArrayList<>();
        for (int b = 0; b < slices; b++) {
            int from = (int) ((long) b * order.length / slices), to = (int) ((long) (b + 1) * order.length / slices);
            batches.add(Arrays.stream(order, from, to).mapToInt(Integer::intValue).toArray());
        }
        ProbeTask task = new ProbeTask(ref, new ArrayList<>(windows), new ArrayList<>(probes), batches, layers.clone(), eps, dist);
        List<Tuple2<Integer, double[]>> out = SparkTasks.run(sc, slices, slices, task);
        double[] c = new double[probes.size()];
        boolean[] seen = new boolean[slices];
        for (Tuple2<Integer, double[]> t : out) {
            int[] which = batches.get(t._1());
            for (int k = 0; k < which.length; k++) c[which[k]] = t._2()[k];
            seen[t._1()] = true;
        }
        for (int b = 0; b < slices; b++) if (!seen[b]) throw new IllegalStateException("probe batch " + b + " is missing from the Spark results");
        shippedProbes += probes.size();
        return c;
    }

    record ProbeTask(ModelRef model, List<int[]> windows, List<ZerothOrder.Probe> probes, List<int[]> batches, int[] layers,
                     double eps, CounterNoise.Distribution dist) implements FlatMapFunction<Iterator<Integer>, Tuple2<Integer, double[]>>, Serializable {
        @Override
        public Iterator<Tuple2<Integer, double[]>> call(Iterator<Integer> ids) throws Exception {
            Model m = model.load();
            List<Tuple2<Integer, double[]>> out = new ArrayList<>();
            try (Transformer tf = ExecutorModels.engine(m)) {
                while (ids.hasNext()) {
                    int b = ids.next();
                    out.add(new Tuple2<>(b, ZerothOrder.estimateAll(tf, m, windows, probes, batches.get(b), layers, eps, dist, ProgressListener.NONE)));
                }
            }
            return out.iterator();
        }
    }
}
