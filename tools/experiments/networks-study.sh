#!/usr/bin/env bash
# Functional networks on stories260K (issue 8 §6): computes the networks once per (chunks, restarts) setting with
# `prune4j networks` (wall time and peak RSS of each), then prunes from the saved networks at 10/20/30/50% with
# tools/experiments/stories-plans.sh next to FLAP and Wanda-SP (same calibration text, same evaluation).
# ICA text and calibration: the TinyStories train sample (596 texts: 15 chunks of 40).
# Usage: tools/experiments/networks-study.sh OUT_DIR        (PRUNE4J_CMD overrides the launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"; mkdir -p "$out"
cmd="${PRUNE4J_CMD:-$root/prune4j}"
model="$root/data/stories260K/stories260K.bin"
text="$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt"
networks() { # name, options
  [ -f "$out/nets-$1/networks.json" ] && return 0
  # shellcheck disable=SC2086
  /usr/bin/time -v $cmd networks --model "$model" --data "$text" $2 --seed 0 --out "$out/nets-$1" --force --json --no-progress \
    > "$out/nets-$1.json" 2> "$out/nets-$1.err" || { echo "networks $1 failed: $(tail -1 "$out/nets-$1.err")"; return 1; }
}
networks c1-r1 "--chunks 1 --ica-restarts 1 --structures mlp+heads"
networks c1-r10 "--chunks 1 --ica-restarts 10 --structures mlp+heads"
networks c4-r1 "--chunks 4 --ica-restarts 1 --structures mlp+heads"
networks c4-r10 "--chunks 4 --ica-restarts 10 --structures mlp+heads"
networks call-r1 "--ica-restarts 1 --structures mlp+heads"
networks call-r10 "--ica-restarts 10 --structures mlp+heads"
networks c4-r10-all "--chunks 4 --ica-restarts 10 --structures mlp+heads --layer-range all"
python3 - "$out" <<'PY'
import json, re, sys, os
out = sys.argv[1]
print("| networks | chunks used | tokens | wall s | ICA s per chunk | peak RSS MB |")
print("|---|---|---|---|---|---|")
for n in ["c1-r1", "c1-r10", "c4-r1", "c4-r10", "call-r1", "call-r10", "c4-r10-all"]:
    j = json.load(open(os.path.join(out, f"nets-{n}.json")))
    err = open(os.path.join(out, f"nets-{n}.err")).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1e3
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err).group(1)
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
    per = j["secondsPerChunk"]
    print(f"| {n} | {j['chunksUsed']} (skipped {j['chunksSkipped']}) | {sum(j['tokensPerChunk'])} | {secs:.1f} | {sum(per)/len(per):.1f} | {rss:.0f} |")
PY
n="$out/nets-call-r10"
PRUNE4J_CMD="$cmd" "$root/tools/experiments/stories-plans.sh" "$out/plans" \
  "flap|--method flap" "wanda-sp|--method wanda-sp" \
  "fn-mlp-bias|--method functional-networks --networks $n --bias-compensation" \
  "fn-mlp-seqbias|--method functional-networks --networks $n --bias-compensation --calibration sequential" \
  "fn-mlp-nobias|--method functional-networks --networks $n --no-bias-compensation" \
  "fn-heads-bias|--method functional-networks --networks $n --structures mlp+heads --bias-compensation" \
  "fn-heads-nobias|--method functional-networks --networks $n --structures mlp+heads --no-bias-compensation" \
  "fn-mlp-bias-alllayers|--method functional-networks --networks $out/nets-c4-r10-all --layer-range all --bias-compensation" \
  "fn-heads-bias-alllayers|--method functional-networks --networks $out/nets-c4-r10-all --layer-range all --structures mlp+heads --bias-compensation"
echo
echo "Ablation (mlp, dense bias compensation):"
abl=()
for v in c1-r1 c1-r10 c4-r1 c4-r10 call-r1 call-r10; do abl+=("abl-$v|--method functional-networks --networks $out/nets-$v --bias-compensation"); done
PRUNE4J_CMD="$cmd" "$root/tools/experiments/stories-plans.sh" "$out/plans" "${abl[@]}"
