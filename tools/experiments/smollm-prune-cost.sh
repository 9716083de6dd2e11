#!/usr/bin/env bash
# Wall time and peak RSS of pruning the SmolLM-135M-shaped synthetic model (F32, 514 MiB) by 20% with each method,
# calibration 32 x 128 tokens of TinyStories train text, output written as GGUF.
# Usage: tools/experiments/smollm-prune-cost.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/out/smollm-speedup}"
mkdir -p "$out"
[ -f "$out/dense.gguf" ] || "$root/prune4j" synth --shape smollm-135m --seed 1 --out "$out/dense.gguf"
echo "| method | removed | prune s (calibrate, score, cut) | export s | peak RSS MiB |"; echo "|---|---|---|---|---|"
for m in random magnitude wanda-sp flap block-influence; do
  "$root/prune4j" prune --model "$out/dense.gguf" --method "$m" --ratio 0.2 \
    --calib "$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt" --calib-samples 32 --calib-len 128 \
    --out "$out/cost-$m.gguf" --force --json --no-progress 2>/dev/null \
  | python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"| $m | {d['parameters']['removedFraction']:.1%} | {d['wallSeconds']:.1f} | {d['config']['exportSeconds']:.1f} | {d['peakRssBytes']/2**20:.0f} |\")"
  rm -f "$out/cost-$m.gguf"
done
