/**
 * LLM-Pruner's Taylor importance (element1, element2, vector) on exact gradients.
 */
package org.prune4j.methods.taylor;
