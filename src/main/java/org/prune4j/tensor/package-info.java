/**
 * Tensors and weight views: the sealed {@link org.prune4j.tensor.Weight} (stored matrix, perturbed, low-rank,
 * selected, generated) and the counter-based noise that regenerates perturbations.
 */
package org.prune4j.tensor;
