package org.prune4j.cli;

import org.prune4j.io.ExportFormat;
import org.prune4j.report.RunReport;
import org.prune4j.report.RunReports;
import org.prune4j.model.Model;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.util.Prune4jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Structured pruning: score, allocate, cut, write GGUF or an HF folder, and report.")
public final class PruneCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Mixin
    PruneOptions prune;

    @Option(names = "--out", required = true, description = "Output GGUF file or HF folder (must not exist unless --force)")
    Path out;

    @Option(names = "--format", defaultValue = "gguf", description = "gguf or hf (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--eval", description = "Text to measure perplexity on, before and after")
    Path eval;

    @Option(names = "--protocol", defaultValue = "documents", description = "documents, stream, word or llm-pruner (see eval --help) (default: ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--seq-len", defaultValue = "0", description = "Evaluation window / truncation; 0 = model context")
    int seqLen;

    @Option(names = "--allow-overlap", description = "Allow calibration and evaluation text to share documents")
    boolean allowOverlap;

    @Option(names = "--force", description = "Replace an existing output")
    boolean force;

    @Option(names = "--json", description = "Print the report as one JSON object")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bars")
    boolean noProgress;

    @Override
    public Integer call() {
        ExportFormat fmt = ExportFormat.of(format);
        if (Files.exists(out) && !force) throw Prune4jException.inFile(out, "already exists; choose another --out or pass --force");
        PruneRequest r = prune.request(PruneOptions.evaluation(eval, protocol, seqLen, allowOverlap), opts.threads);
        try (Model model = opts.load()) {
            prune.requireFits(r, model.config());
            Pruner.Result res = Pruner.run(model, r, label -> new Progress(label, !noProgress), true, prune.savedScores(model.config()));
            prune.saveScores(res, model.config());
            long t0 = System.nanoTime();
            fmt.write(res.pruned(), out, null, 0, force);
            double exportSeconds = (System.nanoTime() - t0) / 1e9;
            RunReport rep = RunReport.of(r, res, model.config(), opts.model.toString(), out.toString(), fmt.cliName(), exportSeconds);
            prune.writeFigures(res, model.config(), opts.model.toString());
            if (json) {
                System.out.println(RunReports.toJson(rep));
            } else {
                rep.summary().forEach(System.out::println);
                System.out.println("wrote " + out);
            }
        }
        return 0;
    }
}
