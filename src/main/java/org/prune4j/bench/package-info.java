/**
 * Speed measurement: prefill and decode tokens per second, effective GFLOP/s, the GEMM probe against the machine's
 * fp32 peak, peak RSS, and llama.cpp on the same GGUF.
 */
package org.prune4j.bench;
