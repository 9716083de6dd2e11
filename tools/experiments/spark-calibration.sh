#!/usr/bin/env bash
# Issue 13 §3: calibration of the llama-1b synthetic shape (BF16) on one process with one thread vs. Spark
# local-cluster with 2 executors x 1 core, same windows, same seed; prints wall and calibration seconds, the speedup,
# Spark's overhead (start-up + merge) and whether the plans are identical.
# Usage: tools/experiments/spark-calibration.sh MODEL.gguf SAMPLES OUT_DIR   (make MODEL with: ./prune4j synth --shape llama-1b --dtype bf16 --out M)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="$1" samples="$2" out="$3"
mkdir -p "$out"
calib="$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt"
args=(plan --model "$model" --method wanda-sp --ratio 0.2 --calib "$calib" --calib-samples "$samples" --calib-len 128 --seed 0 --threads 1 --json)
t0=$(date +%s.%N); "$root/prune4j" "${args[@]}" > "$out/one.json" 2> "$out/one.err"; t1=$(date +%s.%N)
PRUNE4J_JAVA_OPTS=-Xmx3g "$root/prune4j-spark" "${args[@]}" --master 'local-cluster[2,1,3072]' > "$out/spark.json" 2> "$out/spark.err"; t2=$(date +%s.%N)
python3 - "$out" "$t0" "$t1" "$t2" <<'PY'
import json, sys
out, t0, t1, t2 = sys.argv[1], *map(float, sys.argv[2:])
one, sp = json.load(open(out + "/one.json")), json.load(open(out + "/spark.json"))
w1, w2 = t1 - t0, t2 - t1
c1, c2 = one["timings"]["calibration"], sp["timings"]["calibration"]
print(f"one process, 1 thread : wall {w1:7.1f} s, calibration {c1:7.1f} s")
print(f"local-cluster 2 x 1   : wall {w2:7.1f} s, calibration {c2:7.1f} s (Spark job incl. shipping and merge)")
print(f"calibration speedup {c1 / c2:.2f}x, wall speedup {w1 / w2:.2f}x; Spark overhead outside calibration {(w2 - c2) - (w1 - c1):.1f} s")
print("plans identical:", one["plan"] == sp["plan"])
PY
grep "prune4j-spark:" "$out/spark.err" || true
