// llama.cpp as an independent oracle and speed yardstick for prune4j (prebuilt llama.cpp via node-llama-cpp).
// Usage:
//   node llama-oracle.mjs logits MODEL.gguf '[ids...]' [threads]      -> {"logits": [[vocab floats] per input position]}
//   node llama-oracle.mjs greedy MODEL.gguf '[prompt ids]' N [threads]  -> {"tokens": [N greedy ids]}
//   node llama-oracle.mjs bench  MODEL.gguf PROMPT_LEN GEN_LEN THREADS [REPEATS] -> best prefill/decode timings
//   node llama-oracle.mjs continuations MODEL.gguf REQUESTS.json [threads] -> {"scores": [[logLikelihood, greedy], ...]}
//     REQUESTS.json: [[[ids...], continuationLength], ...]; the model reads ids[0..n-1), the last continuationLength
//     ids are scored (sum of log-softmax, in double) and checked against the argmax (lm-eval's loglikelihood).
// Token ids go in and out directly, so llama.cpp's own tokenizer plays no part in the comparison.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const [mode, modelPath, a, b, c, d] = process.argv.slice(2);
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error, usePrebuiltBinaries: true});
const model = await llama.loadModel({modelPath, gpuLayers: 0});

function toArray(map, n) {
  const out = new Array(n).fill(-Infinity);
  for (const [t, v] of map) out[t] = v;
  return out;
}

function argmax(map) {
  let best = -1, bv = -Infinity;
  for (const [t, v] of map) if (v > bv || (v === bv && t < best)) { bv = v; best = t; }
  return best;
}

// The oracle keeps the KV cache in F32 (llama.cpp's default is F16, which alone moves log-probs by ~1e-2)
// and flash attention off, so differences measure the engines, not a storage choice.
// The benchmark uses llama.cpp's defaults (F16 cache), which is what users run.
async function context(size, threads, exact = true) {
  const opts = {contextSize: Math.max(size, 16), batchSize: Math.max(size, 16), threads: threads, sequences: 1};
  if (exact) Object.assign(opts, {experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false});
  return model.createContext(opts);
}

if (mode === "logits") {
  const ids = JSON.parse(a);
  const threads = Number(b ?? 1);
  const ctx = await context(ids.length, threads);
  const seq = ctx.getSequence();
  const res = await seq.controlledEvaluate(ids.map(t => [t, {generateNext: {logits: true}}]));
  const size = Math.max(...res.map(r => Math.max(...r.next.logits.keys()))) + 1;
  console.log(JSON.stringify({logits: res.map(r => toArray(r.next.logits, size))}));
} else if (mode === "greedy") {
  const prompt = JSON.parse(a);
  const n = Number(b);
  const threads = Number(c ?? 1);
  const ctx = await context(prompt.length + n, threads);
  const seq = ctx.getSequence();
  const out = [];
  let input = prompt;
  for (let i = 0; i < n; i++) {
    const items = input.map((t, j) => j === input.length - 1 ? [t, {generateNext: {logits: true}}] : t);
    const res = await seq.controlledEvaluate(items);
    const next = argmax(res[input.length - 1].next.logits);
    out.push(next);
    input = [next];
  }
  console.log(JSON.stringify({tokens: out}));
} else if (mode === "bench") {
  const promptLen = Number(a), gen = Number(b), threads = Number(c ?? 2);
  const ctx = await context(promptLen + gen + 8, threads, false);
  const prompt = Array.from({length: promptLen}, (_, i) => 1 + (i * 7919) % 200);
  const seq = ctx.getSequence();
  const run = async () => {
    await seq.clearHistory();
    const t0 = process.hrtime.bigint();
    const res = await seq.controlledEvaluate(prompt.map((t, j) => j === promptLen - 1 ? [t, {generateNext: {token: true, options: {temperature: 0}}}] : t));
    const t1 = process.hrtime.bigint();
    let tok = res[promptLen - 1].next.token;
    for (let i = 0; i < gen; i++) {
      const r = await seq.controlledEvaluate([[tok, {generateNext: {token: true, options: {temperature: 0}}}]]);
      tok = r[0].next.token;
    }
    const t2 = process.hrtime.bigint();
    return {prefillSeconds: Number(t1 - t0) / 1e9, decodeSeconds: Number(t2 - t1) / 1e9};
  };
  await run(); // warm-up: page in the weights, build the graphs
  const repeats = Number(d ?? 2);
  const r = {prefillSeconds: Infinity, decodeSeconds: Infinity};
  for (let i = 0; i < repeats; i++) {
    const x = await run();
    r.prefillSeconds = Math.min(r.prefillSeconds, x.prefillSeconds);
    r.decodeSeconds = Math.min(r.decodeSeconds, x.decodeSeconds);
  }
  console.log(JSON.stringify({promptTokens: promptLen, generatedTokens: gen, threads,
    prefillTokPerSec: promptLen / r.prefillSeconds, decodeTokPerSec: gen / r.decodeSeconds,
    peakRssBytes: process.resourceUsage().maxRSS * 1024, llamaCppRelease: llama.llamaCppRelease?.release ?? null}));
} else if (mode === "continuations") {
  const {readFileSync} = await import("node:fs");
  const requests = JSON.parse(readFileSync(a, "utf8"));
  const threads = Number(b ?? 1);
  const longest = Math.max(...requests.map(r => r[0].length));
  const ctx = await context(longest, threads);
  const seq = ctx.getSequence();
  const scores = [];
  for (const [ids, cont] of requests) {
    await seq.clearHistory();
    const input = ids.slice(0, ids.length - 1);
    const first = input.length - cont;
    const res = await seq.controlledEvaluate(input.map((t, j) => j >= first ? [t, {generateNext: {logits: true}}] : t));
    let ll = 0, greedy = true;
    for (let j = first; j < input.length; j++) {
      const logits = res[j].next.logits;
      let max = -Infinity;
      for (const v of logits.values()) max = Math.max(max, v);
      let sum = 0;
      for (const v of logits.values()) sum += Math.exp(v - max);
      const target = ids[j + 1];
      ll += (logits.get(target) ?? -Infinity) - max - Math.log(sum);
      greedy = greedy && argmax(logits) === target;
    }
    scores.push([ll, greedy]);
  }
  console.log(JSON.stringify({scores}));
} else {
  console.error("usage: llama-oracle.mjs logits|greedy|bench|continuations MODEL ...");
  process.exit(2);
}
await model.dispose();
await llama.dispose();
