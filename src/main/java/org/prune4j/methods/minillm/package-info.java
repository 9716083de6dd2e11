/**
 * MINI-LLM (seed method 2): magnitude × activation × gradient with the gradient estimated from forward passes only
 * (the zeroth-order estimator and its probes).
 */
package org.prune4j.methods.minillm;
