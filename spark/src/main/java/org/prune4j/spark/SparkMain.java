package org.prune4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.prune4j.calib.CalibrationRunner;
import org.prune4j.cli.Main;
import org.prune4j.methods.minillm.ZerothOrder;
import org.prune4j.eval.Perplexity;
import org.prune4j.eval.ZeroShot;
import org.prune4j.methods.networks.IcaChunks;
import org.prune4j.util.Prune4jException;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code prune4j-spark SUBCOMMAND [--master URL] [--spark-partitions N] [the options of ./prune4j]}: the same
 * subcommands as {@code ./prune4j}, with every calibration run's passes executed as Spark tasks (plan, prune, compare,
 * networks and eval all calibrate through the one runner). Under {@code spark-submit} the master comes from there.
 */
public final class SparkMain {
    private SparkMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String master, partitionsText;
        try {
            master = take(rest, "--master");
            partitionsText = take(rest, "--spark-partitions");
        } catch (IllegalArgumentException e) {
            System.err.println("prune4j-spark: " + e.getMessage());
            return 2;
        }
        SparkConf conf = new SparkConf().setAppName("prune4j " + (rest.isEmpty() ? "" : rest.get(0)));
        if (master != null) conf.setMaster(master);
        if (!conf.contains("spark.master")) {
            System.err.println("prune4j-spark: give --master URL (local[2], local-cluster[2,1,2048], spark://host:7077) or run under spark-submit");
            return 2;
        }
        int partitions;
        try {
            partitions = partitionsText == null ? 0 : Integer.parseInt(partitionsText);
            if (partitions < 0 || partitions > 100_000) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            System.err.println("prune4j-spark: --spark-partitions must be an integer in 0..100000, got " + partitionsText);
            return 2;
        }
        conf.setIfMissing("spark.ui.enabled", "false");
        if (!conf.contains("spark.jars") && !conf.get("spark.master").startsWith("local[")) conf.set("spark.jars", applicationJars());
        String model = option(rest, "--model"), source = null;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel(System.getProperty("prune4j.spark.logLevel", "WARN"));
            SparkPassExecutor ex = null;
            SparkChunkExecutor chunks = null;
            SparkProbeExecutor probes = null;
            SparkItemExecutor items = null;
            SparkSequenceExecutor sequences = null;
            if (RemoteModels.isRemote(model)) { // hdfs://, s3a://...: every JVM maps its own local copy
                source = model;
                model = RemoteModels.localCopy(source);
                int at = rest.indexOf(source);
                if (at >= 0) rest.set(at, model);
                else rest.set(rest.indexOf("--model=" + source), "--model=" + model);
                System.err.println("prune4j-spark: " + source + " copied to " + model);
            }
            if (model != null && new File(model).exists()) {
                ex = new SparkPassExecutor(sc, model, source, partitions);
                ex.requireSameFileEverywhere();
                CalibrationRunner.useExecutor(ex);
                chunks = new SparkChunkExecutor(sc, ex);
                IcaChunks.useExecutor(chunks);
                probes = new SparkProbeExecutor(sc, ex, partitions);
                ZerothOrder.useExecutor(probes);
                items = new SparkItemExecutor(sc, ex, partitions);
                ZeroShot.useExecutor(items);
                sequences = new SparkSequenceExecutor(sc, ex, partitions);
                Perplexity.useExecutor(sequences);
            }
            int code = Main.run(rest.toArray(String[]::new));
            if (ex != null) {
                System.err.printf("prune4j-spark: %d calibration passes, %d ICA chunks, %d zero-order probes, %d zero-shot items and %d perplexity "
                        + "tokens ran as Spark tasks (master %s, %d executor slots)%n", ex.shippedPasses(), chunks.shippedChunks(), probes.shippedProbes(),
                        items.shippedItems(), sequences.shippedTokens(), sc.master(), sc.defaultParallelism());
            }
            return code;
        } catch (Prune4jException e) {
            System.err.println("prune4j-spark: " + e.getMessage());
            return 1;
        } catch (Exception e) { // Scala code throws checked SparkExceptions undeclared
            System.err.println("prune4j-spark: " + SparkTasks.failed(e).getMessage());
            return 1;
        } finally {
            CalibrationRunner.useExecutor(null);
            IcaChunks.useExecutor(null);
            ZerothOrder.useExecutor(null);
            ZeroShot.useExecutor(null);
            Perplexity.useExecutor(null);
        }
    }

    /**
     * prune4j's own jars on this classpath, not Spark's (those named like a jar in SPARK_HOME/jars, which every
     * executor already has): what executors need besides Spark.
     */
    static String applicationJars() {
        String home = System.getenv("SPARK_HOME");
        String[] sparkJars = home == null ? null : new File(home, "jars").list();
        java.util.Set<String> spark = sparkJars == null ? java.util.Set.of() : java.util.Set.of(sparkJars);
        List<String> jars = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File f = new File(e);
            if (e.endsWith(".jar") && f.isFile() && !spark.contains(f.getName())) jars.add(f.getAbsolutePath());
        }
        return String.join(",", jars);
    }

    /** Removes "--name VALUE" or "--name=VALUE" from args and returns VALUE (null if absent). */
    static String take(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(name)) {
                if (i + 1 >= args.size()) throw new IllegalArgumentException(name + " needs a value");
                args.remove(i);
                return args.remove(i);
            }
            if (a.startsWith(name + "=")) {
                args.remove(i);
                return a.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String option(List<String> args, String name) {
        List<String> copy = new ArrayList<>(args);
        return take(copy, name);
    }
}
