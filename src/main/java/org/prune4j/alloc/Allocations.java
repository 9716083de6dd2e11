package org.prune4j.alloc;

import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of allocations by name; methods that bring their own allocation register it here. */
public final class Allocations {
    private static final Map<String, Allocation> BY_NAME = new LinkedHashMap<>();

    static {
        register(new UniformAllocation());
        register(new GlobalAllocation());
        register(new FlapAllocation());
        register(new DepthAllocation());
    }

    private Allocations() {}

    public static synchronized void register(Allocation a) {
        if (BY_NAME.containsKey(a.name())) throw new IllegalArgumentException("an allocation named '" + a.name() + "' is already registered");
        BY_NAME.put(a.name(), a);
    }

    public static synchronized Allocation get(String name) {
        Allocation a = BY_NAME.get(name);
        if (a == null) throw new Prune4jException("unknown allocation '" + name + "'; available: " + String.join(", ", names()));
        return a;
    }

    public static synchronized List<String> names() {
        return new ArrayList<>(BY_NAME.keySet());
    }

    public static synchronized List<Allocation> all() {
        return new ArrayList<>(BY_NAME.values());
    }
}
