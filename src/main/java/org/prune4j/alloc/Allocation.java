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
}
