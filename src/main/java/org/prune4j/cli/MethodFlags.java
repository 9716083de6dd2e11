package org.prune4j.cli;

import org.prune4j.alloc.Allocation;
import org.prune4j.alloc.Allocations;
import org.prune4j.criteria.Criteria;
import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.MethodOption;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code --flags} of the methods and allocations in the catalogue, built from their {@link MethodOption}
 * declarations: a method added to the catalogue gets its flags on {@code prune} and {@code plan} without an edit here.
 */
final class MethodFlags {
    private MethodFlags() {}

    /** Every option any catalogued method or allocation declares, by name, first declaration first. */
    static List<MethodOption<?>> catalogued() {
        Map<String, MethodOption<?>> all = new LinkedHashMap<>();
        for (Criterion c : Criteria.all()) for (MethodOption<?> o : c.options()) all.putIfAbsent(o.name(), o);
        for (Allocation a : Allocations.all()) for (MethodOption<?> o : a.options()) all.putIfAbsent(o.name(), o);
        return new ArrayList<>(all.values());
    }

    /** Adds a flag per declared option the command does not have yet. */
    static void addTo(CommandSpec spec, List<MethodOption<?>> options) {
        for (MethodOption<?> o : options) {
            String flag = "--" + o.name();
            if (spec.findOption(flag) != null) continue;
            OptionSpec.Builder b = OptionSpec.builder(flag).description(o.description());
            if (o.flag()) b.arity("0").type(boolean.class);
            else b.arity("1").type(String.class).paramLabel("<" + o.name() + ">");
            spec.addOption(b.build());
        }
    }

    /** The declared options the user gave on this command line, as text ("true" for a switch). */
    static Map<String, String> given(CommandSpec spec, List<MethodOption<?>> options) {
        Map<String, String> out = new TreeMap<>();
        var parsed = spec.commandLine().getParseResult();
        for (MethodOption<?> o : options) {
            OptionSpec s = spec.findOption("--" + o.name());
            if (s == null || parsed == null || !parsed.hasMatchedOption(s)) continue;
            out.put(o.name(), o.flag() ? String.valueOf((Boolean) s.getValue()) : s.getValue());
        }
        return out;
    }
}
