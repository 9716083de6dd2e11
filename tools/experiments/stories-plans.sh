#!/usr/bin/env bash
# Perplexity of stories260K after pruning, scoring once per ratio: prune evaluates the first text (dense and pruned),
# then eval scores the written pruned GGUF on the second, so slow criteria (zeroth-order probes) run once per ratio.
# Calibration: TinyStories train text (CALIB overrides), CALIB_SAMPLES x 128 tokens (default 10, LLM-Pruner's setting), seed
# SEED (default 0). Pruned models are written as FORMAT (gguf, default; hf for plans llama.cpp cannot run).
# Evaluation: the 46 reference validation stories and held-out stories 47-705, documents protocol.
# Usage: tools/experiments/stories-plans.sh OUT_DIR 'name|prune options' ...   (PRUNE4J_CMD overrides the launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"; shift
mkdir -p "$out"
calib="${CALIB:-$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt}"
fmt="${FORMAT:-gguf}"; ext="$fmt"; [ "$fmt" = hf ] && ext="hf"
ratios="${RATIOS:-0.1 0.2 0.3 0.5}"
cmd="${PRUNE4J_CMD:-$root/prune4j}"
for v in "$@"; do
  name="${v%%|*}"; opts="${v#*|}"
  for r in $ratios; do
    a="$out/$name-$r-head46.json"; b="$out/$name-$r-stories47-705.json"
    # shellcheck disable=SC2086
    $cmd prune --model "$root/data/stories260K/stories260K.bin" $opts --ratio "$r" --calib "$calib" \
      --calib-samples "${CALIB_SAMPLES:-10}" --calib-len 128 --seed "${SEED:-0}" --eval "$root/data/tinystories/TinyStories-valid.head46.txt" \
      --protocol documents --out "$out/$name-$r.$ext" --format "$fmt" --force --json --no-progress > "$a" 2> "$a.err" \
      || { echo "{\"error\": \"$(tail -1 "$a.err")\"}" > "$a"; echo "{\"error\": \"see head46\"}" > "$b"; continue; }
    $cmd eval --model "$out/$name-$r.$ext" --data "$root/data/tinystories/TinyStories-valid.stories47-705.txt" \
      --protocol documents --json --no-progress > "$b" 2> "$b.err" \
      || echo "{\"error\": \"$(tail -1 "$b.err")\"}" > "$b"
  done
done
python3 - "$out" "$ratios" "$@" <<'PY'
import json, sys, os
out, ratios, variants = sys.argv[1], sys.argv[2].split(), [v.split("|")[0] for v in sys.argv[3:]]
print("| variant | " + " | ".join(f"{float(r):.0%}" for r in ratios) + " | scoring s (at 50%) |")
print("|---|" + "---|" * (len(ratios) + 1))
for v in variants:
    cells, t = [], ""
    for r in ratios:
        parts, rf = [], None
        for e in ["head46", "stories47-705"]:
            d = json.load(open(os.path.join(out, f"{v}-{r}-{e}.json")))
            if "error" in d: parts.append("n/a"); continue
            if e == "head46":
                rf = d["parameters"]["removedFraction"]
                parts.append(f"{d['eval']['perplexityAfter']:.2f}")
                t = f"{d['timings']['scoring'] + d['timings']['calibration']:.1f}"
            else:
                parts.append(f"{d['perplexity']:.2f}")
        cells.append(" / ".join(parts) + (f" ({rf:.1%})" if rf is not None else ""))
    print(f"| {v} | " + " | ".join(cells) + f" | {t} |")
PY
