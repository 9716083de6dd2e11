package org.prune4j.cli;

import org.prune4j.model.Model;
import org.prune4j.prune.PruneRequest;
import org.prune4j.prune.Pruner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
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
        PruneRequest r = prune.request(null, "documents", 0, false, opts.threads);
        try (Model model = opts.load()) {
            Pruner.Result res = Pruner.run(model, r, (label, on) -> new Progress(label, false), false);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("model", opts.model.toString());
            Map<String, Object> rep = PruneReport.report(r, res, model.config(), extra);
            if (json) Json.print(rep);
            else PruneReport.printSummary(rep, res.plan(), model.config());
        }
        return 0;
    }
}
