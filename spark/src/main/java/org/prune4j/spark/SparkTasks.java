package org.prune4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.prune4j.util.Prune4jException;
import scala.Tuple2;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/** What every prune4j Spark job shares: indexed tasks, their results back in index order, one-line failures. */
final class SparkTasks {
    private SparkTasks() {}

    /** Runs {@code task} over the indices 0..n-1 in {@code slices} partitions and collects what it emits. */
    static <R> List<R> run(JavaSparkContext sc, int n, int slices, FlatMapFunction<Iterator<Integer>, R> task) {
        try {
            return sc.parallelize(IntStream.range(0, n).boxed().toList(), slices).mapPartitions(task).collect();
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /**
     * {@link #run} for tasks that emit (index, serialized result) once per index: the results deserialized, in
     * index order whatever order the executors finished in.
     *
     * @param what the name of one unit in messages ("pass", "chunk")
     */
    static <T> List<T> byIndex(JavaSparkContext sc, int n, int slices, FlatMapFunction<Iterator<Integer>, Tuple2<Integer, byte[]>> task, String what) {
        List<Tuple2<Integer, byte[]>> out = new ArrayList<>(run(sc, n, slices, task));
        out.sort(Comparator.comparing(Tuple2::_1));
        List<T> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i >= out.size() || out.get(i)._1() != i) throw new IllegalStateException(what + " " + i + " is missing from the Spark results");
            results.add(read(out.get(i)._2(), what));
        }
        return results;
    }

    /**
     * Contiguous shards of whole passes ([from, to) item ranges, passes given as such ranges): each executor then
     * runs exactly the passes one machine would, so a score that depends on its pass keeps its bits.
     */
    static List<int[]> passShards(List<int[]> passes, int slices) {
        List<int[]> shards = new ArrayList<>();
        for (int b = 0; b < slices; b++) {
            int from = (int) ((long) b * passes.size() / slices), to = (int) ((long) (b + 1) * passes.size() / slices);
            shards.add(new int[]{passes.get(from)[0], passes.get(to - 1)[1]});
        }
        return shards;
    }

    static byte[] write(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static <T> T read(byte[] bytes, String what) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (T) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("a " + what + " result from Spark cannot be read: " + e, e);
        }
    }

    /** A failed Spark job as one line: its root cause (a class-version mismatch on an executor, a lost file, ...). */
    static Prune4jException failed(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof Prune4jException p) return p;
        String first = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return new Prune4jException("the Spark job failed: " + root.getClass().getSimpleName() + ": " + first);
    }
}
