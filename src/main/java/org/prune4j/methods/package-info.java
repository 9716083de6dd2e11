/**
 * The pruning methods, one package each: everything one method is (criterion, its allocation, its engine, its
 * figures) lives in its package and is registered by one line of META-INF/services/org.prune4j.criteria.Criterion.
 */
package org.prune4j.methods;
