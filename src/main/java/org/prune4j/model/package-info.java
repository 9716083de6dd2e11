/**
 * The model: configuration with per-layer shapes, the tensor-role table with prune axes, weights and tokenizer
 * behind one {@link org.prune4j.model.Model}.
 */
package org.prune4j.model;
