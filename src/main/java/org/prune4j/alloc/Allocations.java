package org.prune4j.alloc;

import org.prune4j.util.Registry;

import java.util.List;
import java.util.ServiceLoader;

/**
 * The allocations by name, from the catalogue {@code META-INF/services/org.prune4j.alloc.Allocation} (one line each;
 * a method that brings its own allocation lists it there), or {@link #register} in code.
 */
public final class Allocations {
    private static final Registry<Allocation> REGISTRY = new Registry<>("allocation", Allocation::name);

    static {
        for (Allocation a : ServiceLoader.load(Allocation.class, Allocations.class.getClassLoader())) register(a);
    }

    private Allocations() {}

    public static void register(Allocation a) { REGISTRY.register(a); }
    public static Allocation get(String name) { return REGISTRY.get(name); }
    public static List<String> names() { return REGISTRY.names(); }
    public static List<Allocation> all() { return REGISTRY.all(); }
}
