#!/usr/bin/env bash
# Efficiency against performance (issue 10 §4): the SmolLM-135M-shaped synthetic model (F32, seed 1) pruned by
# transfer entropy and by FLAP at 20% and 50% (calibration 128 x 128 tokens of TinyStories train text), each run's
# wall time and peak RSS, then prefill/decode speed of every pruned model against the dense parent in prune4j and in
# llama.cpp, dense and pruned runs alternating (the VM's speed drifts), each side's best of two rounds.
# Usage: tools/experiments/te-speed.sh OUT_DIR      (PRUNE4J_CMD overrides the launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"; mkdir -p "$out"
cmd="${PRUNE4J_CMD:-$root/prune4j}"
calib="$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt"
[ -f "$out/dense.gguf" ] || $cmd synth --shape smollm-135m --seed 1 --out "$out/dense.gguf"
models="dense"
for v in "te|--method transfer-entropy" "flap|--method flap"; do
  name="${v%%|*}"; opts="${v#*|}"
  for r in 0.2 0.5; do
    # shellcheck disable=SC2086
    [ -f "$out/$name-$r.json" ] || $cmd prune --model "$out/dense.gguf" $opts --ratio "$r" --calib "$calib" --calib-samples 128 \
      --calib-len 128 --seed 0 --out "$out/$name-$r.gguf" --force --json --no-progress > "$out/$name-$r.json"
    models="$models $name-$r"
  done
done
for round in 1 2; do
  for m in $models; do
    $cmd bench --model "$out/$m.gguf" --threads 2 --prompt-tokens 128 --gen-tokens 32 --repeats 1 --json > "$out/bench-$m-$round.json"
  done
done
python3 - "$out" $models <<'PY'
import json, os, sys
out, models = sys.argv[1], sys.argv[2:]
def best(m, side, k):
    return max(json.load(open(os.path.join(out, f"bench-{m}-{i}.json")))[side][k] for i in (1, 2))
d = {s: {k: best("dense", s, k) for k in ("prefillTokPerSec", "decodeTokPerSec")} for s in ("prune4j", "llamaCpp")}
print("| model | removed | prune wall s | peak RSS MiB | prune4j prefill / decode speed-up | llama.cpp prefill / decode speed-up |")
print("|---|---|---|---|---|---|")
for m in models:
    if m == "dense":
        print(f"| dense | 0 | – | – | {d['prune4j']['prefillTokPerSec']:.0f} / {d['prune4j']['decodeTokPerSec']:.1f} tok/s | "
              f"{d['llamaCpp']['prefillTokPerSec']:.0f} / {d['llamaCpp']['decodeTokPerSec']:.1f} tok/s |")
        continue
    r = json.load(open(os.path.join(out, f"{m}.json")))
    sp = {s: (best(m, s, "prefillTokPerSec") / d[s]["prefillTokPerSec"], best(m, s, "decodeTokPerSec") / d[s]["decodeTokPerSec"]) for s in d}
    print(f"| {m} | {r['parameters']['removedFraction']:.1%} | {r['wallSeconds']:.1f} | {r['peakRssBytes']/2**20:.0f} | "
          f"{sp['prune4j'][0]:.2f}× / {sp['prune4j'][1]:.2f}× | {sp['llamaCpp'][0]:.2f}× / {sp['llamaCpp'][1]:.2f}× |")
PY
