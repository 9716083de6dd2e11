#!/usr/bin/env bash
# Double GEMM on the ICA and randomized-SVD shapes: the old scalar loop against DoubleGemm on 1 and 2 threads.
# Usage: tools/experiments/double-gemm-bench.sh [ROUNDS]
BENCH=DoubleGemmBenchmark exec "$(dirname "${BASH_SOURCE[0]}")/linalg-bench.sh" "${1:-3}"
