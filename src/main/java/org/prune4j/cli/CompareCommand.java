package org.prune4j.cli;

import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.Target;
import org.prune4j.criteria.Criteria;
import org.prune4j.criteria.Criterion;
import org.prune4j.eval.TextRows;
import org.prune4j.eval.ZeroShotTask;
import org.prune4j.model.Model;
import org.prune4j.prune.PruneRequest;
import org.prune4j.compare.ComparisonGrid;
import org.prune4j.compare.ComparisonOutputs;
import org.prune4j.util.Prune4jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"The papers' comparison in one command: the dense model, then every method at every ratio (each method scored once),",
                "perplexity on every text under its protocol, zero-shot accuracy, speed relative to dense; writes results.json, results.csv,",
                "table.md and index.html with figures into --out. Resumable: run it again with the same settings and it continues; more",
                "methods or ratios extend the grid. Methods are those of 'prune4j methods' (new ones plug in by name)."})
public final class CompareCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--methods", required = true, split = ",", description = "Registered methods, e.g. random,magnitude,wanda-sp,flap,transfer-entropy")
    List<String> methods;

    @Option(names = "--ratios", defaultValue = "0.1,0.2,0.3,0.5", split = ",", description = "Fractions of all parameters to remove (default: ${DEFAULT-VALUE})")
    List<Double> ratios;

    @Option(names = "--calib", description = "Calibration text (needed by every method that calibrates)")
    Path calib;

    @Option(names = "--calib-samples", defaultValue = "0", description = "Calibration windows (0: each method's own default)")
    int calibSamples;

    @Option(names = "--calib-len", defaultValue = "128", description = "Tokens per calibration window (default: ${DEFAULT-VALUE})")
    int calibLen;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of calibration sampling and of random criteria (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--ppl", split = ",", description = "Perplexity texts, each FILE or FILE:PROTOCOL[:WINDOW[:ROWS]] (protocol documents, stream, word, llm-pruner; rows file, wikitext, ptb)")
    List<String> ppl;

    @Option(names = "--protocol", defaultValue = "documents", description = "Protocol of --ppl entries that name none (default: ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--tasks", split = ",", description = "Zero-shot tasks (lm-eval names) or all")
    List<String> tasks;

    @Option(names = "--tasks-dir", description = "Folder of the task files (default: the bundled data/zeroshot)")
    Path tasksDir;

    @Option(names = "--limit", defaultValue = "0", description = "At most N items per task (0: all; default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--speed-tokens", defaultValue = "256", description = "Prompt tokens of the speed measurement of every model (0: none; decode a quarter of it) (default: ${DEFAULT-VALUE})")
    int speedTokens;

    @Option(names = "--jobs", defaultValue = "1", description = "Grid jobs (the dense model, each method) run side by side, each with threads/jobs "
            + "engine threads; speeds are then measured one model at a time (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--out", required = true, description = "Output folder (a folder of the same comparison is resumed)")
    Path out;

    @Option(names = "--json", description = "Print results.json's content when done")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bars")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        for (double r : ratios) if (!(r > 0 && r < 1)) throw new Prune4jException("--ratios must each be in (0, 1), got " + r);
        if (calibLen < 2 || calibSamples < 0 || limit < 0 || speedTokens < 0) {
            throw new Prune4jException("--calib-len must be >= 2, and --calib-samples, --limit and --speed-tokens >= 0");
        }
        if (jobs < 1 || jobs > 64) throw new Prune4jException("--jobs must be in 1..64, got " + jobs);
        List<String> names = new ArrayList<>();
        for (String m : methods) {
            Criterion c = Criteria.get(m.strip());
            if (!c.needs().isEmpty() && calib == null) throw new Prune4jException("the method " + c.name() + " needs calibration text: give --calib");
            if (names.contains(c.name())) throw new Prune4jException("--methods names " + c.name() + " twice");
            names.add(c.name());
        }
        if (calib != null && !Files.isRegularFile(calib)) throw Prune4jException.inFile(calib, "no such file");
        List<ComparisonGrid.PplSpec> specs = new ArrayList<>();
        if (ppl != null) for (String p : ppl) specs.add(spec(p));
        List<String> taskIds = new ArrayList<>();
        if (tasks != null) {
            for (String t : tasks) {
                if (t.strip().equals("all")) for (ZeroShotTask z : ZeroShotTask.values()) taskIds.add(z.id);
                else taskIds.add(ZeroShotTask.byId(t.strip()).id);
            }
        }
        if (specs.isEmpty() && taskIds.isEmpty()) throw new Prune4jException("give --ppl, --tasks or both: there is nothing to compare on");
        Path dir = tasksDir != null ? tasksDir : Path.of(System.getProperty("prune4j.home", ".")).resolve("data/zeroshot");
        List<String> distinctTasks = new ArrayList<>(new java.util.LinkedHashSet<>(taskIds));
        for (String t : distinctTasks) ZeroShotTask.byId(t).load(dir, 1); // a missing or malformed task file fails now, not after hours
        ComparisonGrid.Config cfg = new ComparisonGrid.Config(opts.model.toString(), calib == null ? null : calib.toString(), calibSamples, calibLen, seed,
                specs, distinctTasks, dir.toString(), limit, speedTokens);
        double[] rs = ratios.stream().mapToDouble(Double::doubleValue).distinct().sorted().toArray();
        long t0 = System.nanoTime();
        try (Model model = opts.loadWithTokenizer()) {
            requireMemoryForJobs(model, rs.length);
            List<ComparisonGrid.Cell> cells = ComparisonGrid.run(model, cfg, names, rs, out, this::request, opts.threads, jobs,
                    label -> new Progress(label, !noProgress));
            List<ComparisonGrid.Unreachable> unreachable = ComparisonGrid.unreachable(out, names, rs);
            ComparisonOutputs.write(cfg, cells, unreachable, out);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("config", cfg);
                o.put("cells", cells);
                o.put("unreachable", unreachable);
                o.put("seconds", (System.nanoTime() - t0) / 1e9);
                Json.print(o);
            } else {
                System.out.print(Files.readString(out.resolve("table.md")));
                System.out.printf("wrote %s (results.json, results.csv, table.md, index.html) in %.1f s%n", out, (System.nanoTime() - t0) / 1e9);
            }
        }
        return 0;
    }

    /**
     * A job holds the pruned models of all its ratios at once (float32 copies, each at most the dense size) besides
     * the shared dense model: refuse, with the numbers, a --jobs that the heap cannot hold.
     */
    private void requireMemoryForJobs(Model model, int ratioCount) {
        if (jobs == 1) return;
        long perJob = (ratioCount + 1L) * model.config().totalParameters() * Float.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (jobs * perJob > heap * 0.8) {
            throw new Prune4jException(String.format("--jobs %d needs about %.1f GiB of heap (%d jobs × %.1f GiB: %d pruned float32 copies each), "
                    + "the JVM has %.1f GiB: use fewer jobs or a larger -Xmx (PRUNE4J_JAVA_OPTS)", jobs, jobs * perJob / 1073741824.0, jobs,
                    perJob / 1073741824.0, ratioCount + 1, heap / 1073741824.0));
        }
    }

    private PruneRequest request(String method) {
        int samples = calibSamples > 0 ? calibSamples : Criteria.get(method).defaultCalibrationSamples();
        PruneRequest.Method m = new PruneRequest.Method(method, Target.total(0.5), null, Constraints.defaults(), null, PruneRequest.CalibrationMode.DENSE);
        return new PruneRequest(m, calib == null ? null : new PruneRequest.Calibration(calib, samples, calibLen), null,
                PruneRequest.Runtime.threads(opts.threads), seed, null);
    }

    /** FILE[:PROTOCOL[:WINDOW[:ROWS]]], checked now. */
    private ComparisonGrid.PplSpec spec(String s) {
        String[] p = s.split(":", -1);
        Path file = Path.of(p[0]);
        if (!Files.isRegularFile(file)) throw Prune4jException.inFile(file, "no such file (a --ppl text)");
        String prot = p.length > 1 && !p[1].isEmpty() ? p[1] : protocol;
        CliParsing.protocol(prot);
        int window;
        try {
            window = p.length > 2 && !p[2].isEmpty() ? Integer.parseInt(p[2]) : 0;
        } catch (NumberFormatException e) {
            throw new Prune4jException("--ppl " + s + ": the window must be an integer, got '" + p[2] + "'");
        }
        if (window < 0) throw new Prune4jException("--ppl " + s + ": the window must be 0 (the protocol's default) or positive");
        String rows = p.length > 3 ? p[3] : "file";
        TextRows.of(rows);
        if (p.length > 4) throw new Prune4jException("--ppl " + s + ": expected FILE[:PROTOCOL[:WINDOW[:ROWS]]]");
        return new ComparisonGrid.PplSpec(file.toString(), prot, window, rows);
    }
}
