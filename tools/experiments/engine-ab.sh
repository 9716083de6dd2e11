#!/usr/bin/env bash
# A/B of engine speed between two builds on the same GGUF, alternating rounds in one window (this VM drifts):
# prefill and decode tok/s and GEMM GFLOP/s from `bench --json`, llama.cpp off.
# Usage: tools/experiments/engine-ab.sh OLD_JAR_DIR NEW_JAR_DIR MODEL.gguf [ROUNDS]
#   (a JAR_DIR holds prune4j.jar and lib/, e.g. a worktree's target/)
set -euo pipefail
old="$1"; new="$2"; model="$3"; rounds="${4:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
java="$("$root/bin/java-home")/bin/java"
run() { "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx8g \
  -cp "$1/prune4j.jar:$1/lib/*" org.prune4j.cli.Main bench --model "$model" --llama-cpp off --repeats 4 --json 2>/dev/null; }
for i in $(seq "$rounds"); do
  for side in old new; do
    dir=$old; [ "$side" = new ] && dir=$new
    run "$dir" | python3 -c "
import json,sys; d=json.load(sys.stdin); p=d['prune4j']
print('$side', 'prefill', round(p['prefillTokPerSec'],1), 'decode', round(p['decodeTokPerSec'],1), 'gemm', round(p['gemmGflops_256x1536x576'],1))"
  done
done
