/**
 * Allocation: turns scores and a target (a ratio of all parameters, or FLAP's attention+MLP rule) into a pruning
 * plan under constraints (protected layers, minimum heads and channels, channel multiples). The knob bisection
 * ({@link org.prune4j.alloc.KnobAllocation}) is public so a method's own allocation can use it; allocations are
 * found by name in {@link org.prune4j.alloc.Allocations}, from the catalogue file META-
 * INF/services/org.prune4j.alloc.Allocation.
 */
package org.prune4j.alloc;
