#!/usr/bin/env bash
# Perplexity of stories260K after pruning with method variants, on both validation texts (documents protocol).
# Calibration: 596 TinyStories train stories, 64 x 128 tokens, seed 0. Each variant is "name|extra prune options".
# PRUNE4J_CMD overrides the launcher (e.g. a frozen build while sources change).
# Usage: tools/experiments/stories-variants.sh OUT_DIR 'flap|--method flap' 'flap-headsum|--method flap-headsum' ...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"; shift
mkdir -p "$out"
calib="$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt"
ratios="${RATIOS:-0.1 0.2 0.3 0.5}"
for v in "$@"; do
  name="${v%%|*}"; opts="${v#*|}"
  for r in $ratios; do
    for e in head46 stories47-705; do
      f="$out/$name-$r-$e.json"
      # shellcheck disable=SC2086
      ${PRUNE4J_CMD:-"$root/prune4j"} prune --model "$root/data/stories260K/stories260K.bin" $opts --ratio "$r" \
        --calib "$calib" --calib-samples 64 --calib-len 128 --seed 0 --eval "$root/data/tinystories/TinyStories-valid.$e.txt" \
        --protocol documents --out "$out/$name-$r.gguf" --force --json --no-progress > "$f" 2> "$f.err" \
        || echo "{\"error\": \"$(tail -1 "$f.err")\"}" > "$f"
    done
  done
done
python3 - "$out" "$ratios" "$@" <<'PY'
import json, sys, os
out, ratios, variants = sys.argv[1], sys.argv[2].split(), [v.split("|")[0] for v in sys.argv[3:]]
lines = ["| variant | " + " | ".join(f"{float(r):.0%}" for r in ratios) + " |", "|---|" + "---|" * len(ratios)]
dense = {}
for v in variants:
    cells = []
    for r in ratios:
        parts = []
        for e in ["head46", "stories47-705"]:
            d = json.load(open(os.path.join(out, f"{v}-{r}-{e}.json")))
            if "error" in d: parts.append("n/a"); continue
            dense[e] = d["eval"]["perplexityBefore"]; rf = d["parameters"]["removedFraction"]
            parts.append(f"{d['eval']['perplexityAfter']:.2f}")
        cells.append(" / ".join(parts) + f" ({rf:.1%})")
    lines.append(f"| {v} | " + " | ".join(cells) + " |")
print("Dense perplexity: head46 %.4f, stories47-705 %.4f" % (dense.get("head46", 0), dense.get("stories47-705", 0)))
print("Each cell: perplexity after on head46 / stories47-705 (removed fraction of all parameters)\n")
print("\n".join(lines))
PY
