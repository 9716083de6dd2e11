#!/usr/bin/env bash
# Issue 13 §3: functional-network ICA chunks on one process with one thread vs. Spark local-cluster with 2 executors
# x 1 core (stories260K, CHUNKS chunks of 40 texts, 1 FastICA restart); prints wall times, speedup and whether the
# saved saliencies are identical.   Usage: tools/experiments/spark-ica.sh CHUNKS OUT_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
chunks="$1" out="$2"
rm -rf "$out" && mkdir -p "$out"
args=(networks --model "$root/data/stories260K/stories260K.bin" --data "$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt"
  --chunks "$chunks" --chunk-texts 40 --ica-restarts 1 --threads 1 --no-figures --no-progress)
t0=$(date +%s.%N); "$root/prune4j" "${args[@]}" --out "$out/one" > /dev/null 2> "$out/one.err"; t1=$(date +%s.%N)
PRUNE4J_JAVA_OPTS=-Xmx2g "$root/prune4j-spark" "${args[@]}" --out "$out/spark" --master 'local-cluster[2,1,2048]' > /dev/null 2> "$out/spark.err"; t2=$(date +%s.%N)
python3 - "$out" "$t0" "$t1" "$t2" <<'PY'
import json, sys
out, t0, t1, t2 = sys.argv[1], *map(float, sys.argv[2:])
a, b = json.load(open(out + "/one/networks.json")), json.load(open(out + "/spark/networks.json"))
print(f"one process, 1 thread : {t1 - t0:7.1f} s wall; seconds per chunk {[round(x) for x in a['log']['secondsPerChunk']]}")
print(f"local-cluster 2 x 1   : {t2 - t1:7.1f} s wall; seconds per chunk {[round(x) for x in b['log']['secondsPerChunk']]}")
print(f"speedup {(t1 - t0) / (t2 - t1):.2f}x; saliency identical: {a['saliency'] == b['saliency']}; key counts identical: {a['keyCounts'] == b['keyCounts']}")
PY
grep "prune4j-spark:" "$out/spark.err" || true
