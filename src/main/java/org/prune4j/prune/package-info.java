/**
 * The pipeline behind {@code prune} and {@code plan}: calibrate, score, allocate, cut, and measure before and after.
 */
package org.prune4j.prune;
