#!/usr/bin/env bash
# Speed-up from pruning 20% of a SmolLM-135M-shaped model (synthetic F32 weights, seed 1), in prune4j's engine and
# in llama.cpp, against the ideal 1 / (1 - removed fraction of compute).
# Usage: tools/experiments/smollm-speedup.sh [OUT_DIR] [METHOD]   (default method: magnitude, uniform allocation)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/out/smollm-speedup}"; method="${2:-magnitude}"
mkdir -p "$out"
[ -f "$out/dense.gguf" ] || "$root/prune4j" synth --shape smollm-135m --seed 1 --out "$out/dense.gguf"
"$root/prune4j" prune --model "$out/dense.gguf" --method "$method" --ratio 0.2 --channel-multiple 8 \
  --out "$out/pruned.gguf" --force --json --no-progress > "$out/prune.json"
# The VM is noisy: alternate dense and pruned runs and keep each one's best figures.
for round in 1 2; do
  for m in dense pruned; do
    "$root/prune4j" bench --model "$out/$m.gguf" --threads 2 --prompt-tokens 256 --gen-tokens 64 --repeats 2 --json > "$out/bench-$m-$round.json"
  done
done
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def best(m):
    runs = [json.load(open(os.path.join(out, f"bench-{m}-{i}.json"))) for i in (1, 2)]
    b = runs[0]
    for side in ("prune4j", "llamaCpp"):
        for k in ("prefillTokPerSec", "decodeTokPerSec"):
            b[side][k] = max(r[side][k] for r in runs)
    b["prune4j"]["gemmGflops_256x1536x576"] = max(r["prune4j"]["gemmGflops_256x1536x576"] for r in runs)
    b["prune4j"]["gemmFractionOfPeak"] = max(r["prune4j"]["gemmFractionOfPeak"] for r in runs)
    b["prune4jOverLlamaCpp"] = {k: b["prune4j"][f"{k}TokPerSec"] / b["llamaCpp"][f"{k}TokPerSec"] for k in ("prefill", "decode")}
    return b
d = best("dense"); p = best("pruned")
r = json.load(open(os.path.join(out, "prune.json")))
def flops(model, ctx):
    # multiply-adds of one token through the layers, as Benchmark.flopsPerToken counts them
    h = model["hidden"]; f = 0
    for H, K, hd, m in zip(model["heads"], model["kvHeads"], model["headDim"], model["ffn"]):
        f += 2*h*(2*H*hd + 2*K*hd) + 4*H*hd*ctx + 6*h*m
    return f
logits = 2 * d["model"]["vocab"] * d["model"]["hidden"]
fd, fp = flops(d["model"], 128), flops(p["model"], 128)
ideal_prefill = fd / fp
ideal_decode = (fd + logits) / (fp + logits)
rows = [("prefill", "prefillTokPerSec", ideal_prefill), ("decode", "decodeTokPerSec", ideal_decode)]
txt = [f"removed {r['parameters']['removedFraction']:.1%} of parameters ({r['config']['method']}, {r['config']['allocation']})",
       "", "| | prune4j dense | prune4j pruned | speed-up | llama.cpp dense | llama.cpp pruned | speed-up | ideal |", "|---|---|---|---|---|---|---|---|"]
for name, key, ideal in rows:
    a, b = d["prune4j"][key], p["prune4j"][key]
    la, lb = d["llamaCpp"].get(key, float("nan")), p["llamaCpp"].get(key, float("nan"))
    txt.append(f"| {name} tok/s | {a:.1f} | {b:.1f} | {b/a:.2f}x | {la:.1f} | {lb:.1f} | {lb/la:.2f}x | {ideal:.2f}x |")
txt.append("")
txt.append(f"prune4j over llama.cpp, dense: prefill {d['prune4jOverLlamaCpp']['prefill']:.2f}x, decode {d['prune4jOverLlamaCpp']['decode']:.2f}x; "
           f"GEMM {d['prune4j']['gemmGflops_256x1536x576']:.1f} GFLOP/s = {d['prune4j']['gemmFractionOfPeak']:.0%} of {d['prune4j']['fp32PeakGflops']:.0f} GFLOP/s peak")
text = "\n".join(txt) + "\n"
open(os.path.join(out, "speedup.md"), "w").write(text)
print(text)
PY
