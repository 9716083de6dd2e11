/**
 * The method seam: {@link org.prune4j.criteria.Criterion} (a method's name, the evidence it needs, its typed {@link
 * org.prune4j.criteria.MethodOption}s and its scoring), {@link org.prune4j.criteria.Scores}, the {@link
 * org.prune4j.criteria.ScoringContext} that computes evidence on demand and once, and helpers any method may use
 * (group salience, weight norms). No method lives here: they are in {@code org.prune4j.methods}, registered by the
 * catalogue file META-INF/services/org.prune4j.criteria.Criterion.
 */
package org.prune4j.criteria;
