/**
 * Small dense linear algebra: the double GEMM and ojAlgo behind thin and randomized SVD, symmetric eigen, Cholesky
 * and SPD solves.
 */
package org.prune4j.linalg;
