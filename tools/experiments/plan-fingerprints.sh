#!/usr/bin/env bash
# Behaviour check for refactors: every built-in method's plan (and a pruned model's perplexity) on stories260K,
# printed as one line per method with the plan's SHA-256, so two builds can be diffed.
# Usage: tools/experiments/plan-fingerprints.sh OUT_DIR      (PRUNE4J_CMD overrides the launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"; mkdir -p "$out"
cmd="${PRUNE4J_CMD:-$root/prune4j}"
model="$root/data/stories260K/stories260K.bin"
calib="$root/data/tinystories/TinyStories-train.head1000rows.sel596.txt"
run() { # name, options...
  local name="$1"; shift
  $cmd plan --model "$model" --calib "$calib" --calib-samples 16 --calib-len 64 --seed 3 --json --threads 2 "$@" > "$out/$name.json" 2> "$out/$name.err" \
    || { echo "$name FAILED: $(tail -1 "$out/$name.err")"; return; }
  python3 -c 'import json,sys,hashlib; d=json.load(open(sys.argv[1])); p=d.get("plan",d); print(sys.argv[2], hashlib.sha256(json.dumps(p,sort_keys=True).encode()).hexdigest()[:16])' "$out/$name.json" "$name"
}
run random --method random --ratio 0.2
run magnitude --method magnitude --ratio 0.2
run wanda-sp --method wanda-sp --ratio 0.2
run wanda-sp-seq --method wanda-sp --calibration sequential --ratio 0.2
run flap --method flap --ratio 0.2
run flap-basis --method flap --ratio-basis flap --ratio 0.3
run flap-headsum --method flap-headsum --ratio 0.2
run block-influence --method block-influence --ratio 0.2 --allocation depth
run taylor --method taylor --ratio 0.2
run taylor-vector --method taylor --taylor vector --ratio 0.2
run mini-llm --method mini-llm --zo-samples 2 --ratio 0.2
run fn --method functional-networks --chunks 2 --components 16 --ica-restarts 2 --ratio 0.2
run te --method transfer-entropy --ratio 0.3
run te-invert --method te --te-invert --drop-modules --ratio 0.3
$cmd prune --model "$model" --method flap --ratio 0.2 --calib "$calib" --calib-samples 16 --calib-len 64 --seed 3 --threads 2 \
  --eval "$root/data/tinystories/TinyStories-valid.head46.txt" --protocol documents --out "$out/flap.gguf" --force --json --no-progress > "$out/prune-flap.json" 2>/dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("prune-flap ppl", json.dumps(d.get("perplexity", {k:v for k,v in d.items() if "ppl" in k.lower() or "perplex" in k.lower()}))[:300])' "$out/prune-flap.json"
sha256sum "$out/flap.gguf" | cut -c1-16 | sed 's/^/flap.gguf /'
