package org.prune4j.cli;

import org.prune4j.alloc.Allocation;
import org.prune4j.alloc.Allocations;
import org.prune4j.criteria.Criteria;
import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.MethodOption;
import org.prune4j.report.RunReports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** The catalogue as users read it: every method and allocation with what it needs and its declared options. */
@Command(name = "methods", mixinStandardHelpOptions = true,
        description = "List the registered pruning methods (criteria) and allocations, with what each needs and its options.")
public final class MethodsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the catalogue as one JSON object")
    boolean json;

    @Option(names = "--markdown", description = "Print the methods as a Markdown table (the README's)")
    boolean markdown;

    @Override
    public Integer call() {
        if (json) {
            List<Map<String, Object>> ms = new ArrayList<>();
            for (Criterion c : Criteria.all()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("aliases", c.aliases());
                m.put("summary", c.summary());
                m.put("needs", needs(c));
                m.put("defaultAllocation", c.defaultAllocation());
                m.put("defaultBiasCompensation", c.defaultBiasCompensation());
                m.put("defaultCalibrationSamples", c.defaultCalibrationSamples());
                m.put("options", options(c.options()));
                ms.add(m);
            }
            List<Map<String, Object>> as = new ArrayList<>();
            for (Allocation a : Allocations.all()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", a.name());
                m.put("summary", a.summary());
                m.put("options", options(a.options()));
                as.add(m);
            }
            System.out.println(RunReports.toJson(Map.of("methods", ms, "allocations", as)));
            return 0;
        }
        if (markdown) {
            System.out.println("| method | what it scores | needs | default allocation | options |");
            System.out.println("|---|---|---|---|---|");
            for (Criterion c : Criteria.all()) {
                String name = "`" + c.name() + "`" + (c.aliases().isEmpty() ? "" : " (" + c.aliases().stream().map(a -> "`" + a + "`").collect(Collectors.joining(", ")) + ")");
                System.out.printf("| %s | %s | %s | %s%s | %s |%n", name, c.summary().replace("|", "\\|"), String.join(", ", needs(c)), c.defaultAllocation(),
                        c.defaultBiasCompensation() ? ", bias compensation" : "",
                        c.options().stream().map(o -> "`--" + o.name() + "`").collect(Collectors.joining(" ")));
            }
            return 0;
        }
        System.out.println("methods (--method):");
        for (Criterion c : Criteria.all()) {
            System.out.printf("  %-20s %s%n  %-20s needs: %s; default allocation %s%s; %d calibration windows by default%n",
                    c.name() + (c.aliases().isEmpty() ? "" : " (" + String.join(", ", c.aliases()) + ")"), c.summary(), "",
                    needs(c).isEmpty() ? "weights only" : String.join(", ", needs(c)), c.defaultAllocation(),
                    c.defaultBiasCompensation() ? ", bias compensation" : "", c.defaultCalibrationSamples());
            for (MethodOption<?> o : c.options()) System.out.printf("  %-20s   --%s: %s%n", "", o.name(), o.description());
        }
        System.out.println("allocations (--allocation):");
        for (Allocation a : Allocations.all()) {
            System.out.printf("  %-20s %s%n", a.name(), a.summary());
            for (MethodOption<?> o : a.options()) System.out.printf("  %-20s   --%s: %s%n", "", o.name(), o.description());
        }
        return 0;
    }

    private static List<String> needs(Criterion c) {
        return c.needs().stream().map(Evidence::name).map(String::toLowerCase).sorted().toList();
    }

    private static List<Map<String, Object>> options(List<MethodOption<?>> opts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MethodOption<?> o : opts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "--" + o.name());
            m.put("default", o.flag() ? null : o.defaultText());
            m.put("switch", o.flag());
            m.put("help", o.help());
            out.add(m);
        }
        return out;
    }
}
