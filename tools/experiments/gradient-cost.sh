#!/usr/bin/env bash
# Cost of the gradient methods at the 1B shape: wall time and peak RSS of wanda-sp (one forward pass + moments),
# taylor (exact backprop), and mini-llm (forward-only probes), planning 20% with the same calibration
# (10 x 128 tokens of TinyStories train text, LLM-Pruner's setting). Peak RSS from /usr/bin/time -v.
# Usage: tools/experiments/gradient-cost.sh CHECKPOINT_DIR OUT_DIR 'name|options' ...
#   (writes the llama-1b BF16 checkpoint first when CHECKPOINT_DIR does not exist; PRUNE4J_CMD overrides the launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="$1"; out="$2"; shift 2
cmd="${PRUNE4J_CMD:-$root/prune4j}"
mkdir -p "$out"
[ -d "$model" ] || $cmd synth --shape llama-1b --dtype bf16 --to hf --out "$model"
for v in "$@"; do
  name="${v%%|*}"; opts="${v#*|}"
  # shellcheck disable=SC2086
  /usr/bin/time -v $cmd plan --model "$model" $opts --ratio 0.2 \
    --calib "$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt" --calib-samples 10 --calib-len 128 --seed 0 \
    --json > "$out/$name.json" 2> "$out/$name.err" || echo "$name failed: $(tail -1 "$out/$name.err")"
done
python3 - "$out" "$@" <<'PY'
import json, re, sys, os
out, names = sys.argv[1], [v.split("|")[0] for v in sys.argv[2:]]
print("| method | wall s | calibration + scoring s | peak RSS GB |")
print("|---|---|---|---|")
for n in names:
    err = open(os.path.join(out, n + ".err")).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1e6
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err).group(1)
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
    try:
        t = json.load(open(os.path.join(out, n + ".json")))["timings"]
        cs = f"{t['calibration'] + t['scoring']:.1f}"
    except Exception:
        cs = "failed"
    print(f"| {n} | {secs:.1f} | {cs} | {rss:.2f} |")
PY
