package org.prune4j.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering rules of docs/architecture.md, executable: every reference from one package of src/main to another
 * (imports and inline qualified names alike) is read from the sources, and the rules are checked on that graph.
 * A rule broken names the file and the reference, so the fix is obvious.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/org/prune4j");
    private static final Pattern REF = Pattern.compile("\\borg\\.prune4j\\.([a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    /** Package → (referenced package → first file:reference seen), for every main source file. */
    private static Map<String, Map<String, String>> graph() throws IOException {
        Map<String, Map<String, String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                String text = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                Map<String, String> out = g.computeIfAbsent(pkg, k -> new TreeMap<>());
                Matcher m = REF.matcher(text);
                while (m.find()) {
                    String to = m.group(1);
                    if (!to.equals(pkg) && !to.equals("package")) out.putIfAbsent(to, MAIN.relativize(f) + ": " + m.group());
                }
            }
        }
        return g;
    }

    /** The references from packages matching {@code from} to packages matching {@code to}. */
    private static List<String> refs(Map<String, Map<String, String>> g, String from, String to) {
        List<String> bad = new ArrayList<>();
        g.forEach((p, out) -> {
            if (!p.matches(from)) return;
            out.forEach((q, where) -> { if (q.matches(to)) bad.add(p + " -> " + q + " (" + where + ")"); });
        });
        return bad;
    }

    @Test
    void noLowPackageReachesAMethodOrTheCli() throws IOException {
        var g = graph();
        // Methods are registered from above (the catalogue file); only the CLI and the comparison may name one.
        assertThat(refs(g, "(?!cli$|methods(\\..*)?$).*", "methods(\\..*)?")).as("only cli and the methods themselves import a method").isEmpty();
        assertThat(refs(g, "(?!cli$).*", "cli")).as("nothing below cli reaches cli").isEmpty();
        // A method reaches another only through the public pieces it builds on: FLAP's scores (transfer entropy) and
        // LLM-Pruner's layer range (MINI-LLM).
        assertThat(refs(g, "methods\\..*", "methods\\..*")).allMatch(r -> r.contains("-> methods.baselines (") || r.contains("-> methods.taylor ("));
    }

    @Test
    void theEngineAndTheModelStayBelowThePipeline() throws IOException {
        var g = graph();
        assertThat(refs(g, "engine", "calib|criteria|prune|alloc|eval|surgery|compare|report|methods(\\..*)?")).isEmpty();
        assertThat(refs(g, "model|tensor|kernel|util|plan|tokenizer", "engine|calib|criteria|prune|alloc|eval|compare|report|methods(\\..*)?|io")).isEmpty();
        assertThat(refs(g, "io", "engine|calib|criteria|prune|alloc|eval|compare|methods(\\..*)?")).as("io never runs the engine").isEmpty();
        assertThat(refs(g, "calib", "criteria|eval|alloc|prune|methods(\\..*)?")).as("calib never reaches criteria or eval").isEmpty();
        assertThat(refs(g, "criteria", "alloc|prune|compare|report|methods(\\..*)?")).as("the method seam sits below allocation and the pipeline").isEmpty();
        // A sink reads the pipeline's results (prune's result record, plans) and runs nothing.
        assertThat(refs(g, "report", "compare|cli|methods(\\..*)?|eval|calib|criteria|bench|engine|surgery|grad")).as("report is a sink").isEmpty();
    }

    @Test
    void thePackageGraphHasNoCycle() throws IOException {
        var g = graph();
        Set<String> done = new TreeSet<>(), onPath = new TreeSet<>();
        List<String> cycle = new ArrayList<>();
        for (String p : g.keySet()) if (cycle.isEmpty()) visit(p, g, done, onPath, new ArrayList<>(), cycle);
        assertThat(cycle).as("a package cycle").isEmpty();
    }

    private static void visit(String p, Map<String, Map<String, String>> g, Set<String> done, Set<String> onPath, List<String> path, List<String> cycle) {
        if (!cycle.isEmpty() || done.contains(p)) return;
        if (onPath.contains(p)) {
            cycle.addAll(path.subList(path.indexOf(p), path.size()));
            cycle.add(p);
            return;
        }
        onPath.add(p);
        path.add(p);
        for (String q : g.getOrDefault(p, Map.of()).keySet()) visit(q, g, done, onPath, path, cycle);
        path.remove(path.size() - 1);
        onPath.remove(p);
        done.add(p);
    }

    @Test
    void everyPackageSaysWhatTheRoomIs() throws IOException {
        try (Stream<Path> dirs = Files.walk(MAIN)) {
            List<Path> missing = dirs.filter(Files::isDirectory).filter(d -> {
                try (Stream<Path> l = Files.list(d)) {
                    return l.anyMatch(f -> f.toString().endsWith(".java")) && !Files.exists(d.resolve("package-info.java"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertThat(missing).isEmpty();
        }
    }
}
