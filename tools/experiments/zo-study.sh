#!/usr/bin/env bash
# MINI-LLM's zeroth-order scores against exact-gradient FMS scores and Wanda-SP on stories260K (see ZoStudy.java).
# Usage: tools/experiments/zo-study.sh [global,layer,module] [seeds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
java_home="$(bin/java-home)"
[ -f target/prune4j.jar ] || (JAVA_HOME="$java_home" mvn -q -B package -DskipTests)
cp="${PRUNE4J_CP:-target/prune4j.jar:$(ls target/lib/*.jar | tr '\n' ':')}"
exec "$java_home/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$cp" tools/experiments/ZoStudy.java "$@"
