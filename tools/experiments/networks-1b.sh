#!/usr/bin/env bash
# Issue 8 §5: one functional-networks chunk (40 TinyStories texts, the Llama-2 tokenizer) on the llama-1b synthetic
# shape, every default-analysed layer, once per variant given as "NAME|extra networks options"; prints wall time,
# peak RSS, the recording / PCA / FastICA split and FastICA's iterations for each.
# Usage: tools/experiments/networks-1b.sh MODEL.gguf OUT_DIR 'defaults|' 'gpu-variant|--ica-restarts 1' ...
#   (MODEL: ./prune4j synth --shape llama-1b --dtype bf16 --out MODEL.gguf; PRUNE4J_CMD: a frozen launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="$1" out="$2"; shift 2
cmd="${PRUNE4J_CMD:-$root/prune4j}"
mkdir -p "$out"
echo "| variant | wall s | peak RSS GB | tokens | recording s | PCA s (all layers) | FastICA s (all layers) | FastICA runs at the limit | mean iterations |"
echo "|---|---|---|---|---|---|---|---|---|"
for v in "$@"; do
  name="${v%%|*}" extra="${v#*|}"
  rm -rf "$out/$name"
  # shellcheck disable=SC2086
  /usr/bin/time -v "$cmd" networks --model "$model" --tokenizer "$root/data/llama2-tokenizer/tokenizer.bin" \
    --data "$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt" --chunks 1 --no-figures --no-progress \
    --out "$out/$name" --json $extra > "$out/$name.json" 2> "$out/$name.err"
  python3 - "$out" "$name" <<'PY'
import json, re, sys
out, name = sys.argv[1], sys.argv[2]
err = open(f"{out}/{name}.err").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1).split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024 ** 2
log = json.load(open(f"{out}/{name}/networks.json"))["log"]
ica, pca = sum(log["icaSecondsPerLayer"]), sum(log["pcaSecondsPerLayer"])
print(f"| {name} | {wall:.0f} | {rss:.2f} | {log['tokensPerChunk'][0]} | {log['seconds'] - ica:.0f} | {pca:.0f} | {ica - pca:.0f} | "
      f"{log['notConvergedRuns'][0]} | {log['meanIterations'][0]:.0f} |")
PY
done
