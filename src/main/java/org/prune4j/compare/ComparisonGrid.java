package org.prune4j.compare;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.prune4j.bench.Benchmark;
import org.prune4j.engine.Transformer;
import org.prune4j.eval.Corpus;
import org.prune4j.eval.Perplexity;
import org.prune4j.eval.TextRows;
import org.prune4j.eval.ZeroShot;
import org.prune4j.eval.ZeroShotTask;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.surgery.Surgery;
import org.prune4j.util.AtomicOutput;
import org.prune4j.util.ProcessMemory;
import org.prune4j.util.ProgressListener;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The grid behind {@code prune4j compare}: the dense model once, then every method × ratio, each evaluated on every
 * perplexity text (with its protocol) and zero-shot task, with its speed relative to dense. A method is scored once
 * and cut at every ratio ({@link Pruner#runRatios}). Every finished cell is written at once to {@code cells/} (temp
 * file, then rename), so a killed run continues where it stopped; a folder holding a run with another configuration
 * is refused, never mixed or overwritten.
 */
public final class ComparisonGrid {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A perplexity text and how it is scored. */
    public record PplSpec(String file, String protocol, int seqLen, String rows) {
        /** Column label: file name and protocol. */
        public String label() {
            return Path.of(file).getFileName() + " (" + protocol + ")";
        }
    }

    /**
     * What every cell depends on (a resumed run must match it exactly); methods and ratios may grow between runs.
     *
     * @param calibSamples calibration windows, 0 = each method's own default
     * @param speedTokens  prompt tokens of the speed measurement (0: no speed), decode a quarter of it
     */
    public record Config(String model, String calib, int calibSamples, int calibLen, long seed, List<PplSpec> ppl, List<String> tasks,
                         String tasksDir, int limit, int speedTokens) {}

    /** One perplexity figure. */
    public record Ppl(String label, String file, String protocol, int seqLen, String rows, long tokens, double perplexity) {}

    /**
     * One row of the grid (the dense model has method "dense" and ratio 0).
     *
     * @param keptFraction per layer of the dense model, the fraction of its parameters kept (0 for a removed layer)
     * @param peakRssBytes the process's peak resident memory while the method pruned (its high-water mark is reset
     *                     before each method when jobs = 1; with jobs > 1 it is shared by the jobs running together)
     * @param jobs         how many grid jobs ran side by side (0 in cells written before --jobs existed: one)
     */
    public record Cell(String method, double ratio, double removedFraction, long parameters, List<Ppl> ppl, List<ZeroShot.TaskResult> tasks,
                       Double average, double pruneSeconds, long peakRssBytes, Double prefillTokPerSec, Double decodeTokPerSec,
                       Double prefillVsDense, Double decodeVsDense, int[] keptHeads, int[] keptChannels, double[] keptFraction,
                       Map<String, String> methodOptions, int jobs) {
        /** The same cell with its speed (measured after the jobs). */
        Cell withSpeed(Speed s) {
            return new Cell(method, ratio, removedFraction, parameters, ppl, tasks, average, pruneSeconds, peakRssBytes, s.prefill(), s.decode(),
                    s.prefillVsDense(), s.decodeVsDense(), keptHeads, keptChannels, keptFraction, methodOptions, jobs);
        }
    }

    private ComparisonGrid() {}

    /** File name of a cell. */
    static String cellName(String method, double ratio) {
        return method.equals("dense") ? "dense.json" : String.format("%s-%.4f.json", method, ratio);
    }

    /**
     * Runs what is missing of the grid and returns every cell (dense first, then method by method, ratio by ratio).
     * With {@code jobs > 1} the dense model and the methods run side by side (each with threads / jobs engine
     * threads); their speed is then measured afterwards, one model at a time, so that no measurement shares the CPU
     * with another job. A failing job does not stop the others: what finished is on disk, and the first failure is
     * thrown at the end.
     *
     * @param requestFor the prune request of a method (calibration, options, seed); the ratio is set per cell
     */
    public static List<Cell> run(Model model, Config cfg, List<String> methods, double[] ratios, Path out,
                                 Function<String, PruneRequest> requestFor, int threads, int jobs, Function<String, ProgressListener> progress) {
        if (jobs < 1) throw new Prune4jException("--jobs must be at least 1, got " + jobs);
        Path cells = out.resolve("cells");
        requireSameConfig(out, cfg);
        try {
            Files.createDirectories(cells);
        } catch (IOException e) {
            throw Prune4jException.inFile(cells, "cannot be created: " + e.getMessage());
        }
        writeJson(out.resolve("grid.json"), Map.of("config", cfg, "methods", methods, "ratios", ratios), true);
        int jobThreads = Math.max(1, threads / jobs);
        boolean inlineSpeed = jobs == 1;
        List<Runnable> work = new ArrayList<>();
        if (load(cells.resolve(cellName("dense", 0))) == null) {
            work.add(() -> {
                Cell dense = evaluate(model, "dense", 0, PruningPlan.keepAll(model.config()), model, cfg, 0, null, Map.of(), jobThreads, jobs,
                        inlineSpeed, progress);
                writeCell(cells, dense, PruningPlan.keepAll(model.config()), model.config());
            });
        }
        for (String method : methods) {
            List<Integer> missing = new ArrayList<>();
            for (int k = 0; k < ratios.length; k++) {
                if (load(cells.resolve(cellName(method, ratios[k]))) == null && !Files.exists(unreachableFile(cells, method, ratios[k]))) missing.add(k);
            }
            if (missing.isEmpty()) continue;
            double[] todo = missing.stream().mapToDouble(k -> ratios[k]).toArray();
            work.add(() -> runMethod(model, method, todo, cfg, cells, withThreads(requestFor.apply(method), jobThreads), jobThreads, jobs, inlineSpeed, progress));
        }
        runAll(work, jobs);
        if (cfg.speedTokens() > 0) measureMissingSpeed(model, cfg, methods, ratios, cells, threads);
        List<Cell> all = new ArrayList<>();
        all.add(load(cells.resolve(cellName("dense", 0))));
        for (String method : methods) {
            for (double r : ratios) {
                Cell c = load(cells.resolve(cellName(method, r)));
                if (c != null) all.add(c);
            }
        }
        return all;
    }

    /** A method × ratio the method cannot reach (its structures allow less): recorded, so a resume does not retry it. */
    public record Unreachable(String method, double ratio, String reason) {}

    /** The plan saved beside a cell (cells/METHOD-RATIO.plan.json). */
    private static Path planFile(Path cells, String cellName) {
        return cells.resolve(cellName.replace(".json", ".plan.json"));
    }

    private static Path unreachableFile(Path cells, String method, double ratio) {
        return cells.resolve(cellName(method, ratio).replace(".json", ".unreachable.json"));
    }

    /** The unreachable method × ratio pairs of a grid, in method and ratio order. */
    public static List<Unreachable> unreachable(Path out, List<String> methods, double[] ratios) {
        List<Unreachable> u = new ArrayList<>();
        for (String m : methods) {
            for (double r : ratios) {
                Path f = unreachableFile(out.resolve("cells"), m, r);
                if (!Files.exists(f)) continue;
                try {
                    u.add(MAPPER.readValue(f.toFile(), Unreachable.class));
                } catch (IOException e) {
                    throw Prune4jException.inFile(f, "is not a comparison note (delete it to retry): " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
        return u;
    }

    /** One method scored once and cut at every missing ratio; each cell is on disk as soon as it is evaluated. */
    private static void runMethod(Model model, String method, double[] todo, Config cfg, Path cells, PruneRequest request, int threads, int jobs,
                                  boolean inlineSpeed, Function<String, ProgressListener> progress) {
        // Per-method peak memory: the high-water mark is reset when this method alone runs (shared when jobs > 1).
        if (jobs == 1) ProcessMemory.resetPeak();
        List<Pruner.Result> results = Pruner.runRatios(model, request, todo, progress,
                (ratio, reason) -> writeJson(unreachableFile(cells, method, ratio), new Unreachable(method, ratio, reason), true));
        for (int i = 0; i < todo.length; i++) {
            Pruner.Result res = results.get(i);
            if (res == null) continue;
            try (Model pruned = res.pruned()) {
                Cell c = evaluate(pruned, method, todo[i], res.plan(), model, cfg, res.timings().total(), res.peakRssBytes(), res.resolved().options(),
                        threads, jobs, inlineSpeed, progress);
                writeCell(cells, c, res.plan(), model.config());
            }
        }
    }

    /** Runs the jobs on {@code jobs} threads (inline for one); every job runs even when another fails. */
    private static void runAll(List<Runnable> work, int jobs) {
        if (jobs == 1 || work.size() <= 1) {
            for (Runnable r : work) r.run();
            return;
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(jobs, work.size()),
                Thread.ofPlatform().name("prune4j-compare-", 0).factory());
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (Runnable r : work) futures.add(pool.submit(r));
            RuntimeException first = null;
            for (var f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (first == null) first = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Prune4jException("the comparison was interrupted; what finished is in cells/ and a rerun resumes");
                }
            }
            if (first != null) throw first;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Measures, one model at a time, the speed of every cell that has none yet (cells computed with jobs > 1): the
     * model is rebuilt from the cell's saved plan, which fixes every shape the speed depends on (compensation biases
     * are present, with zero values: the same work).
     */
    private static void measureMissingSpeed(Model model, Config cfg, List<String> methods, double[] ratios, Path cells, int threads) {
        List<String> names = new ArrayList<>();
        names.add(cellName("dense", 0));
        for (String m : methods) for (double r : ratios) names.add(cellName(m, r));
        for (String name : names) {
            Path file = cells.resolve(name);
            Cell c = load(file);
            if (c == null || c.prefillTokPerSec() != null) continue;
            Path planFile = planFile(cells, name);
            if (!Files.exists(planFile)) throw Prune4jException.inFile(planFile, "is missing: the speed of " + name + " cannot be measured (delete the cell to recompute it)");
            PruningPlan plan = org.prune4j.plan.PlanJson.read(planFile);
            plan.validate(model.config());
            Surgery.InputMeans zeros = plan.biasCompensation() ? zeroMeans(model.config()) : null;
            try (Model m = c.method().equals("dense") ? null : Surgery.apply(model, plan, zeros)) {
                Speed s = speed(m == null ? model : m, model, cfg, threads);
                writeJson(file, c.withSpeed(s), true);
            }
        }
    }

    private static Surgery.InputMeans zeroMeans(ModelConfig c) {
        double[][] o = new double[c.layerCount()][], d = new double[c.layerCount()][];
        for (int l = 0; l < c.layerCount(); l++) {
            o[l] = new double[c.layer(l).heads() * c.layer(l).headDim()];
            d[l] = new double[c.layer(l).ffnDim()];
        }
        return new Surgery.InputMeans(o, d);
    }

    private static void writeCell(Path cells, Cell c, PruningPlan plan, ModelConfig dense) {
        String name = cellName(c.method(), c.ratio());
        // The plan first: a cell on disk always has its plan beside it (prune4j prune --plan rebuilds the model).
        writeJson(planFile(cells, name), org.prune4j.plan.PlanJson.Plan.of(plan, dense), true);
        writeJson(cells.resolve(name), c, true);
    }

    private static PruneRequest withThreads(PruneRequest r, int threads) {
        return new PruneRequest(r.method(), r.calibration(), r.evaluation(), new PruneRequest.Runtime(threads, r.runtime().passTokens()), r.seed(),
                r.fixedPlan());
    }

    /** Prefill/decode tokens per second of a model and relative to its dense parent. */
    record Speed(double prefill, double decode, double prefillVsDense, double decodeVsDense) {}

    /** The VM's speed drifts: the model and its dense parent alternate in one window, each side's best kept. */
    static Speed speed(Model m, Model dense, Config cfg, int threads) {
        int prompt = Math.min(cfg.speedTokens(), m.config().contextLength() / 2), gen = Math.max(1, prompt / 4);
        Benchmark.Result b = null, d = null;
        try (Transformer tf = new Transformer(m, threads); Transformer dtf = m == dense ? null : new Transformer(dense, threads)) {
            Benchmark.run(tf, prompt, gen, 3, 1);
            if (dtf != null) Benchmark.run(dtf, prompt, gen, 3, 1);
            for (int round = 0; round < 3; round++) {
                if (dtf != null) d = d == null ? Benchmark.run(dtf, prompt, gen, 0, 1) : Benchmark.best(d, Benchmark.run(dtf, prompt, gen, 0, 1));
                b = b == null ? Benchmark.run(tf, prompt, gen, 0, 1) : Benchmark.best(b, Benchmark.run(tf, prompt, gen, 0, 1));
            }
        }
        return new Speed(b.prefillTokPerSec(), b.decodeTokPerSec(), d == null ? 1.0 : b.prefillTokPerSec() / d.prefillTokPerSec(),
                d == null ? 1.0 : b.decodeTokPerSec() / d.decodeTokPerSec());
    }

    /** @param peakRssBytes the pruning run's peak RSS, or null to take the process's after the evaluation (dense) */
    private static Cell evaluate(Model m, String method, double ratio, PruningPlan plan, Model dense, Config cfg, double pruneSeconds,
                                 Long peakRssBytes, Map<String, String> options, int threads, int jobs, boolean measureSpeed,
                                 Function<String, ProgressListener> progress) {
        ModelConfig dc = dense.config();
        List<Ppl> ppl = new ArrayList<>();
        List<ZeroShot.TaskResult> tasks = new ArrayList<>();
        String label = method.equals("dense") ? "dense" : method + " " + ratio;
        try (Transformer tf = new Transformer(m, threads)) {
            for (PplSpec p : cfg.ppl()) {
                Corpus.Protocol protocol = protocolOf(p.protocol());
                Perplexity.Result r = Perplexity.evaluate(tf, m.tokenizer(), Path.of(p.file()), protocol, p.seqLen(), TextRows.of(p.rows()), 4096,
                        progress.apply(label + " ppl " + Path.of(p.file()).getFileName()));
                ppl.add(new Ppl(p.label(), p.file(), p.protocol(), p.seqLen(), p.rows(), r.tokens(), protocol == Corpus.Protocol.WORD ? r.wordPerplexity() : r.perplexity()));
            }
            double sum = 0;
            for (String t : cfg.tasks()) {
                ZeroShotTask task = ZeroShotTask.byId(t);
                ZeroShot.TaskResult r = ZeroShot.evaluate(tf, m.tokenizer(), task, task.load(Path.of(cfg.tasksDir()), cfg.limit()), false, 2048,
                        progress.apply(label + " " + t));
                tasks.add(r);
                sum += r.headline();
            }
            Speed speed = cfg.speedTokens() > 0 && measureSpeed ? speed(m, dense, cfg, threads) : null;
            int n = dc.layerCount();
            int[] heads = new int[n], channels = new int[n];
            double[] kept = new double[n];
            for (int l = 0; l < n; l++) {
                LayerPlan lp = plan.layers().get(l);
                heads[l] = lp.keptHeads().length;
                channels[l] = lp.keptChannels().length;
                long before = dc.layer(l).parameters(dc.hidden());
                kept[l] = lp.removed() ? 0 : (double) PruningPlan.shapeAfter(dc.layer(l), lp, false).parameters(dc.hidden()) / before;
            }
            Double avg = tasks.isEmpty() ? null : sum / tasks.size();
            return new Cell(method, ratio, 1 - (double) m.config().totalParameters() / dc.totalParameters(), m.config().totalParameters(), ppl, tasks,
                    avg, pruneSeconds, peakRssBytes != null ? peakRssBytes : ProcessMemory.peakRss(), speed == null ? null : speed.prefill(),
                    speed == null ? null : speed.decode(), speed == null ? null : speed.prefillVsDense(), speed == null ? null : speed.decodeVsDense(),
                    heads, channels, kept, options, jobs);
        }
    }

    static Corpus.Protocol protocolOf(String p) {
        for (Corpus.Protocol x : Corpus.Protocol.values()) if (x.cliName().equals(p)) return x;
        throw new Prune4jException("unknown perplexity protocol '" + p + "' (documents, stream, word, llm-pruner)");
    }

    /** Refuses a folder that holds another grid's results, or other files. */
    static void requireSameConfig(Path out, Config cfg) {
        if (!Files.exists(out)) return;
        if (!Files.isDirectory(out)) throw Prune4jException.inFile(out, "exists and is not a folder; choose another --out");
        Path grid = out.resolve("grid.json");
        if (!Files.exists(grid)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) throw Prune4jException.inFile(out, "holds files that are not a prune4j comparison; choose another --out");
            } catch (IOException e) {
                throw Prune4jException.inFile(out, "cannot be read: " + e.getMessage());
            }
            return;
        }
        try {
            JsonNode old = MAPPER.readTree(grid.toFile()).path("config");
            // Through text, as the old one came: numbers compare by value, not by the node type they were built with.
            JsonNode now = MAPPER.readTree(MAPPER.writeValueAsString(cfg));
            if (!old.equals(now)) {
                List<String> diff = new ArrayList<>();
                now.fieldNames().forEachRemaining(f -> { if (!now.path(f).equals(old.path(f))) diff.add(f); });
                throw Prune4jException.inFile(out, "holds a comparison with another configuration (" + String.join(", ", diff)
                        + " differ); resume only with the same settings, or choose another --out");
            }
        } catch (IOException e) {
            throw Prune4jException.inFile(grid, "is not a prune4j comparison file: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static Cell load(Path file) {
        if (!Files.exists(file)) return null;
        try {
            return MAPPER.readValue(file.toFile(), Cell.class);
        } catch (IOException e) {
            throw Prune4jException.inFile(file, "is not a comparison cell (delete it to recompute): " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static void writeJson(Path file, Object value, boolean overwrite) {
        AtomicOutput.write(file, overwrite, tmp -> MAPPER.writeValue(tmp.toFile(), value));
    }

    /** The cells as one JSON-ready map (for results.json). */
    static Map<String, Object> results(Config cfg, List<Cell> cells) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("config", cfg);
        o.put("cells", cells);
        return o;
    }
}
