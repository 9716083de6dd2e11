package org.prune4j.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Named implementations in registration order: how methods and allocations are found by the names users type. */
public final class Registry<T> {
    private final String kind;
    private final Function<T, String> nameOf;
    private final Map<String, T> byName = new LinkedHashMap<>();

    /** @param kind what the entries are, for messages ("pruning method", "allocation") */
    public Registry(String kind, Function<T, String> nameOf) {
        this.kind = kind;
        this.nameOf = nameOf;
    }

    public synchronized void register(T item) {
        String name = nameOf.apply(item);
        if (byName.containsKey(name)) throw new IllegalArgumentException("a " + kind + " named '" + name + "' is already registered");
        byName.put(name, item);
    }

    /** The entry of that name, or a one-line error listing what exists. */
    public synchronized T get(String name) {
        T t = byName.get(name);
        if (t == null) throw new Prune4jException("unknown " + kind + " '" + name + "'; available: " + String.join(", ", names()));
        return t;
    }

    public synchronized List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    public synchronized List<T> all() {
        return new ArrayList<>(byName.values());
    }
}
