package org.prune4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.prune4j.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * prune4j-spark's plan equals ./prune4j's plan, byte for byte: in local[2] (tasks in this JVM), in
 * local-cluster[2,1,1024] (two executor JVMs started from target/sparkhome), and when one executor is killed with
 * SIGKILL in the middle of the calibration (Spark re-runs its tasks; the pass states fold in the same order).
 */
class SparkPlanTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final String MODEL = ROOT.resolve("data/stories260K/stories260K.bin").toString();
    static final String CALIB = ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt").toString();
    static final String[] PLAN = {"plan", "--model", MODEL, "--method", "flap", "--ratio", "0.3", "--calib", CALIB, "--calib-samples", "96",
            "--calib-len", "128", "--seed", "5", "--json"};

    record Run(int exit, String out, String err) {}

    static synchronized Run capture(java.util.function.Supplier<Integer> body) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = body.get();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    /** The plan and its parameter counts (the config block names the threads, which differ by design). */
    static String planOf(Run r) throws Exception {
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        return j.path("plan").toString() + j.path("parameters").toString();
    }

    static String[] spark(String master, String... extra) {
        List<String> a = new ArrayList<>(List.of(PLAN));
        a.add("--master");
        a.add(master);
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** Executors load classes from jars: this module's classes, packed for spark.jars. */
    static String appJars() throws Exception {
        Path jar = Files.createTempFile("prune4j-spark-test", ".jar");
        Path classes = Path.of("target/classes");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> s = Files.walk(classes)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        return SparkMain.applicationJars() + "," + jar.toAbsolutePath();
    }

    @Test
    void localAndClusterPlansEqualOneMachine() throws Exception {
        String here = planOf(capture(() -> Main.run(PLAN)));
        assertThat(planOf(capture(() -> SparkMain.run(spark("local[2]", "--spark-partitions", "3"))))).isEqualTo(here);

        System.setProperty("spark.jars", appJars());
        System.setProperty("spark.executor.memory", "768m");
        try {
            Run cluster = capture(() -> SparkMain.run(spark("local-cluster[2,1,1024]")));
            assertThat(planOf(cluster)).as("local-cluster").isEqualTo(here);
            assertThat(cluster.err()).containsPattern("prune4j-spark: [1-9][0-9]* calibration passes, 0 ICA chunks, 0 zero-order probes and 0 zero-shot");

            // Zero-shot items in shards, one per task: the same accuracies (and standard errors) as one machine.
            String[] eval = {"eval", "--model", MODEL, "--tasks", "arc_easy,copa,lambada_openai", "--tasks-dir", ROOT.resolve("data/zeroshot").toString(), "--limit", "40", "--batch-tokens", "512", "--json", "--no-progress"};
            Run evalHere = capture(() -> Main.run(eval));
            assertThat(evalHere.exit()).as(evalHere.err()).isZero();
            Run evalSpark = capture(() -> SparkMain.run(concat(eval, "--master", "local-cluster[2,1,1024]")));
            assertThat(evalSpark.exit()).as(evalSpark.err()).isZero();
            assertThat(evalSpark.err()).contains(" 120 zero-shot items ran");
            assertThat(tasksOf(evalSpark)).isEqualTo(tasksOf(evalHere));

            // MINI-LLM: the zero-order probes in batches, one per task; only scalars come back.
            String[] mini = {"plan", "--model", MODEL, "--method", "mini-llm", "--ratio", "0.2", "--calib", CALIB, "--calib-samples", "6",
                    "--calib-len", "64", "--seed", "3", "--zo-scope", "module", "--zo-samples", "2", "--json"};
            String miniHere = planOf(capture(() -> Main.run(mini)));
            Run miniSpark = capture(() -> SparkMain.run(concat(mini, "--master", "local-cluster[2,1,1024]")));
            assertThat(planOf(miniSpark)).as("mini-llm").isEqualTo(miniHere);
            assertThat(miniSpark.err()).containsPattern(" [1-9][0-9]* zero-order probes and 0 zero-shot items ran");

            // Functional networks: one ICA chunk per task, merged by max: the saved saliency equals one machine's.
            Path dir = Files.createTempDirectory("nets");
            String[] nets = {"networks", "--model", MODEL, "--data", CALIB, "--chunks", "3", "--chunk-texts", "12", "--components", "16",
                    "--ica-restarts", "2", "--no-figures", "--no-progress", "--out"};
            Run one = capture(() -> Main.run(concat(nets, dir.resolve("one").toString())));
            assertThat(one.exit()).as(one.err()).isZero();
            Run spread = capture(() -> SparkMain.run(concat(nets, dir.resolve("spark").toString(), "--master", "local-cluster[2,1,1024]")));
            assertThat(spread.exit()).as(spread.err()).isZero();
            assertThat(spread.err()).contains(" 3 ICA chunks, ");
            JsonNode a = new ObjectMapper().readTree(dir.resolve("one/networks.json").toFile()), b = new ObjectMapper().readTree(dir.resolve("spark/networks.json").toFile());
            assertThat(b.path("saliency")).isEqualTo(a.path("saliency"));
            assertThat(b.path("keyCounts")).isEqualTo(a.path("keyCounts"));

            // Kill one executor (SIGKILL) while the passes run slowly; Spark re-runs its tasks elsewhere.
            System.setProperty("spark.prune4j.testPassDelayMs", "1500");
            CompletableFuture<Run> job = CompletableFuture.supplyAsync(() -> capture(() -> SparkMain.run(spark("local-cluster[2,1,1024]"))));
            ProcessHandle victim = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (victim == null && System.nanoTime() < deadline) {
                Thread.sleep(200);
                victim = ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                        .filter(p -> p.info().totalCpuDuration().map(d -> d.toMillis() > 3000).orElse(false)).findFirst().orElse(null);
            }
            assertThat(victim).as("an executor was running").isNotNull();
            Thread.sleep(1000);
            assertThat(victim.destroyForcibly()).isTrue();
            Run killed = job.get(5, TimeUnit.MINUTES);
            assertThat(planOf(killed)).as("plan after an executor was killed").isEqualTo(here);
        } finally {
            System.clearProperty("spark.jars");
            System.clearProperty("spark.executor.memory");
            System.clearProperty("spark.prune4j.testPassDelayMs");
        }
    }

    /** Per task: items, acc, acc_norm, their stderr, LAMBADA perplexity (not the seconds). */
    static String tasksOf(Run r) throws Exception {
        StringBuilder b = new StringBuilder();
        for (JsonNode t : new ObjectMapper().readTree(r.out()).path("tasks")) {
            for (String f : List.of("task", "items", "acc", "accStderr", "accNorm", "accNormStderr", "perplexity")) b.append(t.path(f)).append(' ');
        }
        return b.toString();
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badMasterAndMissingModelAreOneLine() {
        Run bad = capture(() -> SparkMain.run(spark("nonsense://x")));
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip().lines().filter(l -> l.startsWith("prune4j-spark:")).count()).isEqualTo(1);
        Run none = capture(() -> SparkMain.run("plan", "--model", MODEL));
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--master");
    }
}
