#!/usr/bin/env bash
# FastICA restarts one after another vs. stacked into one product per step (1B layer shape), alternating rounds.
# Usage: tools/experiments/fastica-bench.sh [THREADS] [ITERATIONS] [ROUNDS]
BENCH=FastIcaBenchmark exec "$(dirname "${BASH_SOURCE[0]}")/linalg-bench.sh" "${1:-2}" "${2:-20}" "${3:-2}"
