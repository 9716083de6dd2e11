package org.prune4j.alloc;

import org.prune4j.criteria.Scores;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.PruningPlan;

/**
 * Turns scores and a target into a plan: how much each layer and module type loses, and (through
 * {@link LayerRealizer}) which structures. Implementations are found by name in {@link Allocations}.
 */
public interface Allocation {
    /** The name users type ({@code --allocation}). */
    String name();

    /** One line for listings and help. */
    String summary();

    PruningPlan allocate(ModelConfig c, Scores s, Target target, Constraints k, boolean biasCompensation);

    /** The settings this allocation declares (CLI flags built from them, as for a method's). */
    default java.util.List<org.prune4j.criteria.MethodOption<?>> options() {
        return java.util.List.of();
    }

    /** This allocation with its settings applied (itself when it has none); one line on a bad value. */
    default Allocation configure(org.prune4j.criteria.MethodOptions o) {
        o.requireOnly("allocation " + name(), org.prune4j.criteria.MethodOptions.names(options()));
        for (var opt : options()) opt.value(o);
        return this;
    }
}
