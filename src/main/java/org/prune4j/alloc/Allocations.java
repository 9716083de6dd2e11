package org.prune4j.alloc;

import org.prune4j.util.Registry;

import java.util.List;

/** The registry of allocations by name; methods that bring their own allocation register it here. */
public final class Allocations {
    private static final Registry<Allocation> REGISTRY = new Registry<>("allocation", Allocation::name);

    static {
        register(new UniformAllocation());
        register(new GlobalAllocation());
        register(new FlapAllocation());
        register(new DepthAllocation());
        register(new ThresholdAllocation());
        register(new ModuleRatioAllocation());
    }

    private Allocations() {}

    public static void register(Allocation a) { REGISTRY.register(a); }
    public static Allocation get(String name) { return REGISTRY.get(name); }
    public static List<String> names() { return REGISTRY.names(); }
    public static List<Allocation> all() { return REGISTRY.all(); }
}
