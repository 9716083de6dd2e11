package org.prune4j.criteria;

import org.prune4j.util.Registry;

import java.util.List;

/** The registry of criteria by name; the built-in baselines are registered, methods added later register here. */
public final class Criteria {
    private static final Registry<Criterion> REGISTRY = new Registry<>("pruning method", Criterion::name);

    static {
        register(new RandomCriterion());
        register(new MagnitudeCriterion());
        register(new WandaSpCriterion());
        register(new FlapCriterion());
        register(new FlapCriterion(FlapCriterion.HeadScore.SUMMED));
        register(new BlockInfluenceCriterion());
        register(new TaylorCriterion());
        register(new MiniLlmCriterion());
        register(new FunctionalNetworksCriterion());
        register(new TransferEntropyCriterion());
    }

    private Criteria() {}

    public static void register(Criterion c) { REGISTRY.register(c); }
    /** Short names users may type instead of a method's full name. */
    private static final java.util.Map<String, String> ALIASES = java.util.Map.of("te", "transfer-entropy", "fn", "functional-networks");

    public static Criterion get(String name) { return REGISTRY.get(ALIASES.getOrDefault(name, name)); }
    public static List<String> names() { return REGISTRY.names(); }
    public static List<Criterion> all() { return REGISTRY.all(); }
}
