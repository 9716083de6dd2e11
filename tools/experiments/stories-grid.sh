#!/usr/bin/env bash
# Perplexity of stories260K after pruning 10/20/30/50% of its parameters with every method.
# Calibration: 596 TinyStories *train* stories; evaluation: the 46 reference *validation* stories (disjoint).
# Usage: tools/experiments/stories-grid.sh [OUT_DIR]   -> OUT_DIR/grid.md and one JSON report per run
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/out/stories-grid}"
mkdir -p "$out"
calib="$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt"
eval="$root/data/tinystories/TinyStories-valid.head46.txt"
for m in random magnitude wanda-sp flap flap-headsum block-influence; do
  for r in 0.1 0.2 0.3 0.5; do
    "$root/prune4j" prune --model "$root/data/stories260K/stories260K.bin" --method "$m" --ratio "$r" \
      --calib "$calib" --calib-samples 64 --calib-len 128 --seed 0 --eval "$eval" --protocol documents \
      --out "$out/$m-$r.gguf" --force --json --no-progress > "$out/$m-$r.json" 2> "$out/$m-$r.err" \
      || echo "{\"error\": \"$(tail -1 "$out/$m-$r.err")\"}" > "$out/$m-$r.json"
  done
done
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
methods = ["random", "magnitude", "wanda-sp", "flap", "flap-headsum", "block-influence"]
ratios = ["0.1", "0.2", "0.3", "0.5"]
lines = ["| method | " + " | ".join(f"{float(r):.0%} target" for r in ratios) + " |", "|---|" + "---|" * len(ratios)]
dense = None
for m in methods:
    cells = []
    for r in ratios:
        d = json.load(open(os.path.join(out, f"{m}-{r}.json")))
        if "error" in d:
            cells.append("n/a"); continue
        dense = d["eval"]["perplexityBefore"]
        cells.append(f"{d['eval']['perplexityAfter']:.2f} ({d['parameters']['removedFraction']:.1%}, {d['wallSeconds']:.1f} s, {d['peakRssBytes']/2**20:.0f} MiB)")
    lines.append(f"| {m} | " + " | ".join(cells) + " |")
text = f"Dense perplexity: {dense:.4f}\n\nEach cell: perplexity after (removed fraction of all parameters, wall time, peak RSS)\n\n" + "\n".join(lines) + "\n"
open(os.path.join(out, "grid.md"), "w").write(text)
print(text)
PY
