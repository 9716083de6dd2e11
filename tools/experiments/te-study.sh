#!/usr/bin/env bash
# Transfer entropy (issue 10 §4) on stories260K: calibration 128 x 128 tokens (the paper's sample count) of TinyStories
# train text, evaluation on the 46 reference stories and stories 47-705 (documents protocol), at 10/20/30/50%.
#   1. variants: the method (with/without module dropping, with/without bias), its reconstructed options, the inverted
#      importance, FLAP with its adaptive allocation and FLAP scores with uniform ratios;
#   2. robustness: 5 calibration seeds (te, flap, flap-uniform);
#   3. calibration text: WikiText-2 validation text instead of TinyStories (te, flap, flap-uniform).
# Models are written as HF folders (module dropping leaves layers llama.cpp cannot run).
# Usage: tools/experiments/te-study.sh OUT_DIR [main|seeds|calib ...]     (PRUNE4J_CMD overrides the launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"; shift
parts="${*:-main seeds calib}"
plans="$root/tools/experiments/stories-plans.sh"
export FORMAT=hf CALIB_SAMPLES=128
te="--method transfer-entropy"
for part in $parts; do
  case "$part" in
    main)
      "$plans" "$out/main" "te|$te" "te-drop|$te --drop-modules" "te-nobias|$te --no-bias-compensation" \
        "te-drop-nobias|$te --drop-modules --no-bias-compensation" "te-mean|$te --te-importance downstream-mean" \
        "te-final|$te --te-importance final" "te-norm|$te --te-reduce norm" "te-r8|$te --te-dims 8" "te-invert|$te --te-invert" \
        "flap|--method flap" "flap-uniform|--method flap --allocation uniform" ;;
    seeds)
      for s in 0 1 2 3 4; do
        SEED=$s RATIOS="0.2 0.5" "$plans" "$out/seed$s" "te|$te" "flap|--method flap" "flap-uniform|--method flap --allocation uniform" > "$out/seed$s.md"
      done
      python3 - "$out" <<'PY'
import json, os, statistics, sys
out = sys.argv[1]
print("| variant | ratio | head46 ppl mean ± std (5 seeds) | stories 47-705 mean ± std |")
print("|---|---|---|---|")
for v in ["te", "flap", "flap-uniform"]:
    for r in ["0.2", "0.5"]:
        a = [json.load(open(f"{out}/seed{s}/{v}-{r}-head46.json"))["eval"]["perplexityAfter"] for s in range(5)]
        b = [json.load(open(f"{out}/seed{s}/{v}-{r}-stories47-705.json"))["perplexity"] for s in range(5)]
        print(f"| {v} | {float(r):.0%} | {statistics.mean(a):.2f} ± {statistics.stdev(a):.2f} | {statistics.mean(b):.2f} ± {statistics.stdev(b):.2f} |")
PY
      ;;
    calib)
      wiki="${WIKI_VALID:-$root/../shared/data/wikitext2/wiki.valid.tokens}"
      CALIB="$wiki" "$plans" "$out/calib-wiki" "te|$te" "flap|--method flap" "flap-uniform|--method flap --allocation uniform" ;;
  esac
done
