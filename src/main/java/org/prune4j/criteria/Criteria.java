package org.prune4j.criteria;

import org.prune4j.util.Prune4jException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of criteria by name; the built-in baselines are registered, methods added later register here. */
public final class Criteria {
    private static final Map<String, Criterion> BY_NAME = new LinkedHashMap<>();

    static {
        register(new RandomCriterion());
        register(new MagnitudeCriterion());
        register(new WandaSpCriterion());
        register(new FlapCriterion());
        register(new FlapCriterion(FlapCriterion.HeadScore.SUMMED));
        register(new BlockInfluenceCriterion());
    }

    private Criteria() {}

    public static synchronized void register(Criterion c) {
        if (BY_NAME.containsKey(c.name())) throw new IllegalArgumentException("a criterion named '" + c.name() + "' is already registered");
        BY_NAME.put(c.name(), c);
    }

    public static synchronized Criterion get(String name) {
        Criterion c = BY_NAME.get(name);
        if (c == null) throw new Prune4jException("unknown pruning method '" + name + "'; available: " + String.join(", ", names()));
        return c;
    }

    public static synchronized List<String> names() {
        return new ArrayList<>(BY_NAME.keySet());
    }

    public static synchronized List<Criterion> all() {
        return new ArrayList<>(BY_NAME.values());
    }
}
