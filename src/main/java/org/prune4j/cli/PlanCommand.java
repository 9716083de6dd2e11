package org.prune4j.cli;

import org.prune4j.model.Model;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import org.prune4j.report.RunReport;
import org.prune4j.report.RunReports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Compute and print a pruning plan (what each layer keeps) without cutting or writing anything.")
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Mixin
    PruneOptions prune;

    @Option(names = "--json", description = "Print the plan as one JSON object")
    boolean json;

    @Override
    public Integer call() {
        PruneRequest r = prune.request(null, opts.threads);
        try (Model model = opts.load()) {
            prune.requireFits(r, model.config());
            Pruner.Result res = Pruner.run(model, r, label -> new Progress(label, false), false, prune.savedScores(model.config()));
            prune.saveScores(res, model.config());
            RunReport rep = RunReport.of(r, res, model.config(), opts.model.toString(), null, null, null);
            prune.writeFigures(res, model.config(), opts.model.toString());
            if (json) System.out.println(RunReports.toJson(rep));
            else rep.summary().forEach(System.out::println);
        }
        return 0;
    }
}
