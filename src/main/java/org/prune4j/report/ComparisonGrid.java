package org.prune4j.report;

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
import org.prune4j.util.AtomicOutput;
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
     */
    public record Cell(String method, double ratio, double removedFraction, long parameters, List<Ppl> ppl, List<ZeroShot.TaskResult> tasks,
                       Double average, double pruneSeconds, long peakRssBytes, Double prefillTokPerSec, Double decodeTokPerSec,
                       Double prefillVsDense, Double decodeVsDense, int[] keptHeads, int[] keptChannels, double[] keptFraction,
                       Map<String, String> methodOptions) {}

    private ComparisonGrid() {}

    /** File name of a cell. */
    static String cellName(String method, double ratio) {
        return method.equals("dense") ? "dense.json" : String.format("%s-%.4f.json", method, ratio);
    }

    /**
     * Runs what is missing of the grid and returns every cell (dense first, then method by method, ratio by ratio).
     *
     * @param requestFor the prune request of a method (calibration, options, seed); the ratio is set per cell
     */
    public static List<Cell> run(Model model, Config cfg, List<String> methods, double[] ratios, Path out,
                                 Function<String, PruneRequest> requestFor, int threads, Function<String, ProgressListener> progress) {
        Path cells = out.resolve("cells");
        requireSameConfig(out, cfg);
        try {
            Files.createDirectories(cells);
        } catch (IOException e) {
            throw Prune4jException.inFile(cells, "cannot be created: " + e.getMessage());
        }
        writeJson(out.resolve("grid.json"), Map.of("config", cfg, "methods", methods, "ratios", ratios), true);
        List<Cell> all = new ArrayList<>();
        Cell dense = load(cells.resolve(cellName("dense", 0)));
        if (dense == null) {
            dense = evaluate(model, "dense", 0, PruningPlan.keepAll(model.config()), model, cfg, 0, null, java.util.Map.of(), threads, progress);
            writeJson(cells.resolve(cellName("dense", 0)), dense, true);
        }
        all.add(dense);
        for (String method : methods) {
            Cell[] row = new Cell[ratios.length];
            List<Integer> missing = new ArrayList<>();
            for (int k = 0; k < ratios.length; k++) if ((row[k] = load(cells.resolve(cellName(method, ratios[k])))) == null) missing.add(k);
            if (!missing.isEmpty()) {
                double[] todo = missing.stream().mapToDouble(k -> ratios[k]).toArray();
                List<Pruner.Result> results = Pruner.runRatios(model, requestFor.apply(method), todo, progress);
                for (int i = 0; i < todo.length; i++) {
                    Pruner.Result res = results.get(i);
                    try (Model pruned = res.pruned()) {
                        Cell c = evaluate(pruned, method, todo[i], res.plan(), model, cfg, res.timings().total(), res.peakRssBytes(),
                                res.resolved().options(), threads, progress);
                        writeJson(cells.resolve(cellName(method, todo[i])), c, true);
                        row[missing.get(i)] = c;
                    }
                }
            }
            all.addAll(List.of(row));
        }
        return all;
    }

    /** @param peakRssBytes the pruning run's peak RSS, or null to take the process's after the evaluation (dense) */
    private static Cell evaluate(Model m, String method, double ratio, PruningPlan plan, Model dense, Config cfg, double pruneSeconds,
                                 Long peakRssBytes, Map<String, String> options, int threads, Function<String, ProgressListener> progress) {
        ModelConfig dc = dense.config();
        List<Ppl> ppl = new ArrayList<>();
        List<ZeroShot.TaskResult> tasks = new ArrayList<>();
        Double prefill = null, decode = null, prefillRel = null, decodeRel = null;
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
            if (cfg.speedTokens() > 0) {
                // The VM's speed drifts: the model and its dense parent alternate in one window, each side's best kept.
                int prompt = Math.min(cfg.speedTokens(), m.config().contextLength() / 2), gen = Math.max(1, prompt / 4);
                Benchmark.Result b = null, d = null;
                try (Transformer dtf = m == dense ? null : new Transformer(dense, threads)) {
                    Benchmark.run(tf, prompt, gen, 3, 1);
                    if (dtf != null) Benchmark.run(dtf, prompt, gen, 3, 1);
                    for (int round = 0; round < 3; round++) {
                        if (dtf != null) d = d == null ? Benchmark.run(dtf, prompt, gen, 0, 1) : Benchmark.best(d, Benchmark.run(dtf, prompt, gen, 0, 1));
                        b = b == null ? Benchmark.run(tf, prompt, gen, 0, 1) : Benchmark.best(b, Benchmark.run(tf, prompt, gen, 0, 1));
                    }
                }
                prefill = b.prefillTokPerSec();
                decode = b.decodeTokPerSec();
                prefillRel = d == null ? 1.0 : prefill / d.prefillTokPerSec();
                decodeRel = d == null ? 1.0 : decode / d.decodeTokPerSec();
            }
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
                    avg, pruneSeconds, peakRssBytes != null ? peakRssBytes : org.prune4j.util.ProcessMemory.peakRss(), prefill, decode, prefillRel,
                    decodeRel, heads, channels, kept, options);
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
