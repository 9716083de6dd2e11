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
    static final String STORIES = ROOT.resolve("data/tinystories/TinyStories-valid.head46.txt").toString();
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
            assertThat(cluster.err()).containsPattern("prune4j-spark: [1-9][0-9]* calibration passes, 0 ICA chunks, 0 zero-order probes, 0 zero-shot");

            // Zero-shot items and perplexity documents in shards, one per task: the same accuracies (and standard errors)
            // and the same summed loss as one machine.
            String[] eval = {"eval", "--model", MODEL, "--data", STORIES, "--tasks", "arc_easy,copa,lambada_openai", "--tasks-dir", ROOT.resolve("data/zeroshot").toString(), "--limit", "40", "--batch-tokens", "512", "--json", "--no-progress"};
            Run evalHere = capture(() -> Main.run(eval));
            assertThat(evalHere.exit()).as(evalHere.err()).isZero();
            Run evalSpark = capture(() -> SparkMain.run(concat(eval, "--master", "local-cluster[2,1,1024]")));
            assertThat(evalSpark.exit()).as(evalSpark.err()).isZero();
            assertThat(evalSpark.err()).contains(" 120 zero-shot items and 14721 perplexity tokens ran");
            assertThat(tasksOf(evalSpark)).isEqualTo(tasksOf(evalHere));
            assertThat(perplexityOf(evalSpark)).isEqualTo(perplexityOf(evalHere));
            // The word protocol's rolling windows (summed per window on the executors) likewise, here in local[2].
            String[] word = {"eval", "--model", MODEL, "--data", STORIES, "--protocol", "word", "--json", "--no-progress"};
            Run wordSpark = capture(() -> SparkMain.run(concat(word, "--master", "local[2]")));
            assertThat(wordSpark.err()).containsPattern(" [1-9][0-9]* perplexity tokens ran");
            assertThat(perplexityOf(wordSpark)).isEqualTo(perplexityOf(capture(() -> Main.run(word))));

            // MINI-LLM: the zero-order probes in batches, one per task; only scalars come back.
            String[] mini = {"plan", "--model", MODEL, "--method", "mini-llm", "--ratio", "0.2", "--calib", CALIB, "--calib-samples", "6",
                    "--calib-len", "64", "--seed", "3", "--zo-scope", "module", "--zo-samples", "2", "--json"};
            String miniHere = planOf(capture(() -> Main.run(mini)));
            Run miniSpark = capture(() -> SparkMain.run(concat(mini, "--master", "local-cluster[2,1,1024]")));
            assertThat(planOf(miniSpark)).as("mini-llm").isEqualTo(miniHere);
            assertThat(miniSpark.err()).containsPattern(" [1-9][0-9]* zero-order probes, 0 zero-shot items and 0 perplexity tokens ran");

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
    /** The perplexity fields of an eval's JSON (tokens, summed loss, perplexity and, for the word protocol, its units). */
    static String perplexityOf(Run r) throws Exception {
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.has("sumNll")).as(r.err()).isTrue();
        StringBuilder b = new StringBuilder();
        for (String f : List.of("tokens", "sequences", "sumNll", "perplexity", "wordPerplexity", "bytePerplexity")) b.append(j.path(f)).append(' ');
        return b.toString();
    }

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

    /**
     * A compare grid under Spark: the pruned cells' perplexity documents and zero-shot items run on the executors too
     * (each rebuilds the cut from the shipped plan and bias means), with the same numbers as one machine.
     */
    @Test
    void compareGridEvaluatesPrunedCellsOnExecutors() throws Exception {
        Path dir = Files.createTempDirectory("cmp");
        String[] grid = {"compare", "--model", MODEL, "--methods", "flap", "--ratios", "0.2", "--calib", CALIB, "--calib-samples", "96",
                "--calib-len", "64", "--ppl", STORIES, "--tasks", "arc_easy", "--limit", "60", "--tasks-dir", ROOT.resolve("data/zeroshot").toString(),
                "--speed-tokens", "16", "--no-progress", "--out"};
        Run here = capture(() -> Main.run(concat(grid, dir.resolve("one").toString())));
        assertThat(here.exit()).as(here.err()).isZero();
        Run spread = capture(() -> SparkMain.run(concat(grid, dir.resolve("spark").toString(), "--master", "local[2]")));
        assertThat(spread.exit()).as(spread.err()).isZero();
        // Dense and the 20% cut: 14721 predicted tokens each, 60 ARC-Easy items each; FLAP's calibration passes too.
        assertThat(spread.err()).containsPattern("[1-9][0-9]* calibration passes, .* 120 zero-shot items and 29442 perplexity tokens ran");
        JsonNode a = new ObjectMapper().readTree(dir.resolve("one/results.json").toFile()).path("cells");
        JsonNode b = new ObjectMapper().readTree(dir.resolve("spark/results.json").toFile()).path("cells");
        assertThat(b.size()).isEqualTo(a.size()).isEqualTo(2);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).path("ppl")).as(a.get(i).path("method").asText()).isEqualTo(a.get(i).path("ppl"));
            assertThat(b.get(i).path("tasks").toString().replaceAll("\"seconds\":[^,}]*", ""))
                    .isEqualTo(a.get(i).path("tasks").toString().replaceAll("\"seconds\":[^,}]*", ""));
        }
    }

    /** A model given as a URI (file:// here; hdfs:// and s3a:// go through the same Hadoop FileSystem) is copied once and planned as the path. */
    @Test
    void modelUriIsCopiedToLocalDiskAndPlansTheSame() throws Exception {
        String here = planOf(capture(() -> Main.run(PLAN)));
        // A llama2.c file keeps its tokenizer beside it, which the copy does not bring: it is named explicitly.
        String[] viaUri = spark("local[2]", "--tokenizer", ROOT.resolve("data/stories260K/tok512.bin").toString());
        String uri = Path.of(MODEL).toUri().toString();
        for (int i = 0; i < viaUri.length; i++) if (viaUri[i].equals(MODEL)) viaUri[i] = uri;
        Run r = capture(() -> SparkMain.run(viaUri));
        assertThat(r.err()).contains("prune4j-spark: " + uri + " copied to ");
        assertThat(planOf(r)).isEqualTo(here);
        String[] missing = viaUri.clone();
        for (int i = 0; i < missing.length; i++) if (missing[i].equals(uri)) missing[i] = uri + ".missing";
        Run bad = capture(() -> SparkMain.run(missing));
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("prune4j-spark: " + uri + ".missing: cannot be copied to local disk");
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
