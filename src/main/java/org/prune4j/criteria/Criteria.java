package org.prune4j.criteria;

import org.prune4j.util.Registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The methods by name. The catalogue is {@code META-INF/services/org.prune4j.criteria.Criterion}: one line per
 * method, read with {@link ServiceLoader} from every jar on the class path, so a method (built in or a user's own
 * jar) registers itself from above and no package below the methods imports one. {@link #register} adds one in code.
 */
public final class Criteria {
    private static final Registry<Criterion> REGISTRY = new Registry<>("pruning method", Criterion::name);
    private static final Map<String, String> ALIASES = new HashMap<>();

    static {
        for (Criterion c : ServiceLoader.load(Criterion.class, Criteria.class.getClassLoader())) register(c);
    }

    private Criteria() {}

    public static synchronized void register(Criterion c) {
        REGISTRY.register(c);
        for (String a : c.aliases()) ALIASES.put(a, c.name());
    }

    /** The method of that name or alias, or a one-line error listing the methods. */
    public static synchronized Criterion get(String name) { return REGISTRY.get(ALIASES.getOrDefault(name, name)); }
    public static List<String> names() { return REGISTRY.names(); }
    public static List<Criterion> all() { return REGISTRY.all(); }
}
