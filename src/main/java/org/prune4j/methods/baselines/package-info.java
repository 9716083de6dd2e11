/**
 * The field's baselines: random, magnitude, Wanda-SP, FLAP (and its head-sum variant) and block influence
 * (ShortGPT).
 */
package org.prune4j.methods.baselines;
