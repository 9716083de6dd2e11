package org.prune4j.criteria;

import org.prune4j.model.ModelConfig;
import org.prune4j.util.Prune4jException;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Method-specific settings by option name (the CLI flag without dashes: {@code zo-eps}, {@code taylor}, ...), as
 * text, validated by the criterion that reads them; a setting no criterion reads is an error, not silently ignored.
 * {@code layer-range} is common to all methods: "A:B" scores and prunes layers A ≤ l &lt; B only, "all" every layer.
 */
public record MethodOptions(Map<String, String> values) {
    public static final MethodOptions NONE = new MethodOptions(Map.of());
    public static final String LAYER_RANGE = "layer-range";

    public MethodOptions {
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String text(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public double number(String key, double fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new Prune4jException("--" + key + " must be a number, got '" + v + "'");
        }
    }

    public int integer(String key, int fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new Prune4jException("--" + key + " must be an integer, got '" + v + "'");
        }
    }

    /** The settings among {@code names} (and the layer range): what one party of a run (method, allocation) is given. */
    public MethodOptions only(java.util.Collection<String> names) {
        Map<String, String> m = new TreeMap<>();
        for (var e : values.entrySet()) if (e.getKey().equals(LAYER_RANGE) || names.contains(e.getKey())) m.put(e.getKey(), e.getValue());
        return new MethodOptions(m);
    }

    /** The names of declared options. */
    public static Set<String> names(java.util.List<MethodOption<?>> declared) {
        Set<String> s = new java.util.TreeSet<>();
        for (MethodOption<?> o : declared) s.add(o.name());
        return s;
    }

    /** Fails with one line when a setting is not one the method reads. */
    public void requireOnly(String method, Set<String> known) {
        for (String k : values.keySet()) {
            if (!k.equals(LAYER_RANGE) && !known.contains(k)) {
                throw new Prune4jException("--" + k + " does not apply to the method " + method
                        + (known.isEmpty() ? " (it has no options)" : " (its options: --" + String.join(", --", new java.util.TreeSet<>(known)) + ")"));
            }
        }
    }

    /**
     * The layers a method scores and prunes, [start, end): the user's {@code layer-range}, else the method's own
     * default, else every layer.
     */
    public int[] layerRange(Criterion criterion, ModelConfig c) {
        int n = c.layerCount();
        String v = values.get(LAYER_RANGE);
        if (v == null) {
            int[] def = criterion.defaultLayerRange(c);
            return def == null ? new int[]{0, n} : def;
        }
        if (v.equals("all")) return new int[]{0, n};
        String[] p = v.split(":", -1);
        try {
            if (p.length == 2) {
                int a = Integer.parseInt(p[0].trim()), b = Integer.parseInt(p[1].trim());
                if (a >= 0 && b <= n && a < b) return new int[]{a, b};
                throw new Prune4jException("--layer-range " + v + " leaves nothing to prune in a model of " + n + " layers (need 0 <= A < B <= " + n + ")");
            }
        } catch (NumberFormatException e) {
            // falls through to the format message
        }
        throw new Prune4jException("--layer-range must be A:B (layers A <= l < B) or all, got '" + v + "'");
    }
}
