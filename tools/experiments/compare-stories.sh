#!/usr/bin/env bash
# Issue 11 §4: the comparison grid on stories260K with every registered method at 10/20/30/50%, perplexity on the
# 46 reference stories and stories 47-705 (documents) and WikiText-2 test (stream, the HF rows joined as Wanda/FLAP
# do, window = the model's context), every zero-shot task (the bundled 200 items each), speed vs dense.
# Resumable: run it again with the same OUT and it continues where it stopped.
# Usage: tools/experiments/compare-stories.sh OUT_DIR      (PRUNE4J_CMD overrides the launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${PRUNE4J_CMD:-$root/prune4j}"
d="$root/data"
exec $cmd compare --model "$d/stories260K/stories260K.bin" \
  --methods random,magnitude,wanda-sp,flap,flap-headsum,block-influence,taylor,mini-llm,functional-networks,transfer-entropy \
  --ratios 0.1,0.2,0.3,0.5 --calib "$d/tinystories/TinyStories-train.head1000rows.sel596.txt" --calib-len 128 --seed 0 \
  --ppl "$d/tinystories/TinyStories-valid.head46.txt,$d/tinystories/TinyStories-valid.stories47-705.txt,$d/wikitext2/wiki.test.raw:stream:0:wikitext" \
  --tasks all --out "$1" --no-progress
