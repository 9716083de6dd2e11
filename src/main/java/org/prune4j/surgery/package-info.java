/**
 * Cutting a model to a plan: pruned tensors as row/column views, FLAP's bias compensation.
 */
package org.prune4j.surgery;
