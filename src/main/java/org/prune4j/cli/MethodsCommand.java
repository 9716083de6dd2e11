package org.prune4j.cli;

import org.prune4j.alloc.Allocation;
import org.prune4j.alloc.Allocations;
import org.prune4j.criteria.Criteria;
import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.report.RunReports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "methods", mixinStandardHelpOptions = true,
        description = "List the registered pruning methods (criteria) and allocations, with what each needs.")
public final class MethodsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the registry as one JSON object")
    boolean json;

    @Override
    public Integer call() {
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Criterion c : Criteria.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("summary", c.summary());
            m.put("needs", c.needs().stream().map(e -> e.name().toLowerCase()).sorted().toList());
            m.put("defaultAllocation", c.defaultAllocation());
            m.put("defaultBiasCompensation", c.defaultBiasCompensation());
            m.put("defaultCalibrationSamples", c.defaultCalibrationSamples());
            m.put("options", c.options().stream().sorted().map(o -> "--" + o).toList());
            ms.add(m);
        }
        List<Map<String, Object>> as = new ArrayList<>();
        for (Allocation a : Allocations.all()) as.add(Map.of("name", a.name(), "summary", a.summary()));
        if (json) {
            System.out.println(RunReports.toJson(Map.of("methods", ms, "allocations", as)));
            return 0;
        }
        System.out.println("methods (--method):");
        for (Criterion c : Criteria.all()) {
            String needs = c.needs().isEmpty() ? "weights only" : c.needs().stream().map(Evidence::name).map(String::toLowerCase).sorted().collect(Collectors.joining(", "));
            System.out.printf("  %-16s %s%n  %-16s needs: %s; default allocation %s%s%s%n", c.name(), c.summary(), "", needs, c.defaultAllocation(),
                    c.defaultBiasCompensation() ? ", bias compensation" : "",
                    c.options().isEmpty() ? "" : "; options " + c.options().stream().sorted().map(o -> "--" + o).collect(Collectors.joining(" ")));
        }
        System.out.println("allocations (--allocation):");
        for (Allocation a : Allocations.all()) System.out.printf("  %-16s %s%n", a.name(), a.summary());
        return 0;
    }
}
