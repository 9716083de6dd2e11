#!/usr/bin/env python3
"""Test-time oracle: loss and gradients of a LLaMA-family decoder with PyTorch autograd (Debian python3-torch).

Written from the model definition (HF LLaMA), not from prune4j's code. Usage:
    torch_grad.py MODEL.safetensors SPEC.json OUT.safetensors
SPEC.json: config (hidden, vocab, norm_eps, rope_theta, rope_style "interleaved"|"half", tied, layers: list of
{heads, kv_heads, head_dim, ffn}) and windows (lists of token ids). Tensors are named like GGUF ("blk.L.attn_q.weight",
"token_embd.weight", ...), f32, [out, in]. Writes the mean next-token loss into OUT's metadata and one f32 gradient
per input tensor.
"""
import json
import struct
import sys

import numpy as np
import torch

torch.set_num_threads(2)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", name
        a, b = t["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").reshape(t["shape"]).copy())
    return out


def write_safetensors(path, tensors, metadata):
    header, blobs, off = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, style, theta):
    # x: [T, heads, hd]; rotate pairs by angle pos * theta^(-2i/hd)
    t, _, hd = x.shape
    half = hd // 2
    inv = 1.0 / (theta ** (torch.arange(0, half, dtype=torch.float64) * 2.0 / hd))
    ang = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
    cos = torch.cos(ang).float()[:, None, :]
    sin = torch.sin(ang).float()[:, None, :]
    if style == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]
        ra, rb = a * cos - b * sin, a * sin + b * cos
        return torch.stack([ra, rb], dim=-1).reshape(x.shape)
    a, b = x[..., :half], x[..., half:]
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


def forward_loss(p, cfg, windows):
    eps, theta, style = cfg["norm_eps"], cfg["rope_theta"], cfg["rope_style"]
    emb = p["token_embd.weight"]
    out_w = emb if cfg["tied"] else p["output.weight"]
    total, count = 0.0, 0
    for ids in windows:
        ids = torch.tensor(ids, dtype=torch.long)
        t = len(ids)
        x = emb[ids]
        for l, s in enumerate(cfg["layers"]):
            g = lambda n: p.get(f"blk.{l}.{n}")
            if s["heads"] > 0:
                h, kv, hd = s["heads"], s["kv_heads"], s["head_dim"]
                xn = rms_norm(x, g("attn_norm.weight"), eps)
                q = xn @ g("attn_q.weight").T
                k = xn @ g("attn_k.weight").T
                v = xn @ g("attn_v.weight").T
                if g("attn_q.bias") is not None:
                    q, k, v = q + g("attn_q.bias"), k + g("attn_k.bias"), v + g("attn_v.bias")
                q = rope(q.view(t, h, hd), style, theta)
                k = rope(k.view(t, kv, hd), style, theta)
                v = v.view(t, kv, hd)
                rep = h // kv
                k = k.repeat_interleave(rep, dim=1)
                v = v.repeat_interleave(rep, dim=1)
                scores = torch.einsum("qhd,khd->hqk", q, k) / (hd ** 0.5)
                mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
                scores = scores.masked_fill(mask, float("-inf"))
                att = torch.einsum("hqk,khd->qhd", torch.softmax(scores, dim=-1), v).reshape(t, h * hd)
                o = att @ g("attn_output.weight").T
                if g("attn_output.bias") is not None:
                    o = o + g("attn_output.bias")
                x = x + o
            if s["ffn"] > 0:
                xn = rms_norm(x, g("ffn_norm.weight"), eps)
                hmid = torch.nn.functional.silu(xn @ g("ffn_gate.weight").T) * (xn @ g("ffn_up.weight").T)
                dn = hmid @ g("ffn_down.weight").T
                if g("ffn_down.bias") is not None:
                    dn = dn + g("ffn_down.bias")
                x = x + dn
        logits = rms_norm(x, p["output_norm.weight"], eps) @ out_w.T
        total = total + torch.nn.functional.cross_entropy(logits[:-1], ids[1:], reduction="sum")
        count += t - 1
    return total / count


LINEAR = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]


def taylor_scores(params, grads, fisher, cfg, variant):
    """LLM-Pruner's TaylorImportance (param_first / param_mix / vectorize), sum over each coupled group; a KV group's
    k/v rows are shared equally by its query heads (prune4j's GQA rule; with MHA it is LLM-Pruner's head group)."""
    out = {}
    for l, s in enumerate(cfg["layers"]):
        local = {}
        for m in LINEAR:
            name = f"blk.{l}.{m}.weight"
            if name not in params:
                continue
            w, g = params[name].detach().double(), grads[name].double()
            sal = w * g
            if variant == "element2":
                sal = sal - 0.5 * w * fisher[name].double() * w
            dim = 0 if m in ("attn_output", "ffn_down") else 1  # in-channel pruning reduces over rows
            local[m] = sal.sum(dim).abs() if variant == "vector" else sal.abs().sum(dim)
        if s["heads"] > 0:
            h, kv, hd = s["heads"], s["kv_heads"], s["head_dim"]
            heads = local["attn_q"].view(h, hd).sum(1) + local["attn_output"].view(h, hd).sum(1)
            kvs = (local["attn_k"] + local["attn_v"]).view(kv, hd).sum(1) / (h // kv)
            out[f"taylor.{variant}.{l}.heads"] = heads + kvs.repeat_interleave(h // kv)
        if s["ffn"] > 0:
            out[f"taylor.{variant}.{l}.channels"] = local["ffn_gate"] + local["ffn_up"] + local["ffn_down"]
    return out


def gradients(params, cfg, windows):
    for t in params.values():
        t.grad = None
    loss = forward_loss(params, cfg, windows)
    loss.backward()
    return loss, {n: t.grad.clone() for n, t in params.items()}


def main():
    params = read_safetensors(sys.argv[1])
    spec = json.load(open(sys.argv[2]))
    cfg, windows = spec["config"], spec["windows"]
    for t in params.values():
        t.requires_grad_(True)
    loss, grads = gradients(params, cfg, windows)
    out = dict(grads)
    if spec.get("taylor"):
        # Fisher diagonal as LLM-Pruner accumulates it: each sample backpropagated alone, grad^2 / N summed
        fisher = {n: torch.zeros_like(t) for n, t in params.items()}
        for w in windows:
            _, gw = gradients(params, cfg, [w])
            for n in fisher:
                fisher[n] += gw[n] * gw[n] / len(windows)
        for variant in ("element1", "element2", "vector"):
            out.update({k: v.float() for k, v in taylor_scores(params, grads, fisher, cfg, variant).items()})
    write_safetensors(sys.argv[3], out, {"loss": repr(float(loss))})


if __name__ == "__main__":
    main()
