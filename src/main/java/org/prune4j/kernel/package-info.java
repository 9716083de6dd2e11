/**
 * Compute kernels: the float GEMM over every weight kind, vector math, and the thread team ({@link
 * org.prune4j.kernel.Parallel}).
 */
package org.prune4j.kernel;
