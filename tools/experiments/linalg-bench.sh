#!/usr/bin/env bash
# ojAlgo vs EJML on the decompositions prune4j's linalg package needs (alternating rounds, best of each).
# Usage: tools/experiments/linalg-bench.sh [ROUNDS]   (BENCH=DoubleGemmBenchmark: the double GEMM instead)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx8g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  "org.prune4j.bench.${BENCH:-LinalgBenchmark}" "${@:-2}"
