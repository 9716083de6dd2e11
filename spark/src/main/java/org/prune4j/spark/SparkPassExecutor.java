package org.prune4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.calib.Collector;
import org.prune4j.calib.PassExecutor;
import org.prune4j.engine.Transformer;
import org.prune4j.model.Model;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Calibration passes as Spark tasks: the passes are partitioned across executors, each executor maps the model once
 * per JVM ({@link ExecutorModels}) and returns every pass's collector states (Java-serialized bytes, tagged with the
 * pass index and the file fingerprint it saw); the driver orders them by pass index and the runner folds them in
 * that order, so statistics, scores and plans are bit-identical to one machine. Runs over a model the executors
 * cannot rebuild from the file (a partly pruned model in sequential calibration, views) run on the driver
 * ({@link ModelRef}).
 */
public final class SparkPassExecutor implements PassExecutor {
    private final transient JavaSparkContext sc;
    private final String model;
    private final String fingerprint;
    /** The URI every JVM copies the model from, or null for a path every executor reads. */
    private final String source;
    private final int partitions;
    /** Passes shipped so far (for reports and tests). */
    private int shippedPasses;

    /**
     * @param partitions tasks per calibration run (0: Spark's default parallelism)
     */
    public SparkPassExecutor(JavaSparkContext sc, String model, int partitions) {
        this(sc, model, null, partitions);
    }

    /** @param source the URI the driver's local copy {@code model} came from (executors fetch their own), or null */
    public SparkPassExecutor(JavaSparkContext sc, String model, String source, int partitions) {
        this.sc = sc;
        this.source = source;
        // Executors run in other working directories: they get the driver's absolute path.
        this.model = java.nio.file.Path.of(model).toAbsolutePath().normalize().toString();
        this.fingerprint = ExecutorModels.fingerprint(this.model);
        try (Model ignored = org.prune4j.io.ModelLoader.load(java.nio.file.Path.of(this.model), null)) {
            // read once here, so a file that is not a model fails on the driver in one line before any Spark job
        }
        this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
    }

    /** Checks, before any work, that every executor reads the same model file as the driver (size and header hash). */
    public void requireSameFileEverywhere() {
        int n = Math.max(2, sc.defaultParallelism());
        String path = model, from = source;
        List<String> seen;
        try {
            seen = sc.parallelize(IntStream.range(0, n).boxed().toList(), n).map(i -> ExecutorModels.fingerprintOrError(path, from)).distinct().collect();
        } catch (RuntimeException e) {
            throw SparkTasks.failed(e);
        }
        for (String s : seen) {
            if (!s.equals(fingerprint)) {
                throw Prune4jException.inFile(model, "an executor sees another file (" + s + "; the driver's is " + fingerprint
                        + "): give a path every executor reads identically (a shared filesystem)");
            }
        }
    }

    String model() {
        return model;
    }

    String source() {
        return source;
    }

    String fingerprint() {
        return fingerprint;
    }

    public int shippedPasses() {
        return shippedPasses;
    }

    @Override
    public List<List<Collector>> runPasses(Transformer tf, List<int[]> windows, List<int[]> passes, List<? extends Collector> kinds) {
        ModelRef ref = ModelRef.of(tf.model(), this);
        if (ref == null || passes.size() < 2) return null;
        PassTask task = new PassTask(ref, new ArrayList<>(windows), new ArrayList<>(passes), new ArrayList<>(kinds),
                sc.getConf().getLong("spark.prune4j.testPassDelayMs", 0));
        List<List<Collector>> parts = SparkTasks.byIndex(sc, passes.size(), Math.min(partitions, passes.size()), task, "pass");
        shippedPasses += passes.size();
        return parts;
    }

    /** The executor side: runs its share of the passes, one engine per task over the JVM's mapped model. */
    /** @param delayMs a pause per pass, only for fault-injection tests (spark.prune4j.testPassDelayMs): time to kill an executor */
    record PassTask(ModelRef model, List<int[]> windows, List<int[]> passes, List<Collector> kinds, long delayMs)
            implements FlatMapFunction<Iterator<Integer>, Tuple2<Integer, byte[]>>, Serializable {
        @Override
        public Iterator<Tuple2<Integer, byte[]>> call(Iterator<Integer> indices) throws Exception {
            Model m = model.load();
            List<Tuple2<Integer, byte[]>> out = new ArrayList<>();
            CalibrationRunner runner = new CalibrationRunner(CalibrationRunner.DEFAULT_PASS_TOKENS, ProgressListener.NONE);
            try (Transformer tf = ExecutorModels.engine(m)) {
                while (indices.hasNext()) {
                    int p = indices.next();
                    int[] r = passes.get(p);
                    if (delayMs > 0) Thread.sleep(delayMs);
                    out.add(new Tuple2<>(p, SparkTasks.write(runner.runPass(tf, windows.subList(r[0], r[1]), kinds))));
                }
            }
            return out.iterator();
        }
    }
}
