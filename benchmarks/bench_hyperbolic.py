"""Speed of hyperbolic attention against dot-product attention.

Forward + backward of the attention core at the shape of
``bench_attention.py`` (default: batch 4, 12 heads, 256 tokens, d_head 64,
causal). The baseline is ``F.scaled_dot_product_attention`` (our β-attention
with a scalar β runs exactly this); the hyperbolic core is the pairwise
tangent-form distance (:func:`isingformer.attention.hyperbolic.tangent_distance`),
the masked softmax of −β d_H and ``softmax @ V`` (``tangent`` aggregation) or
the Einstein midpoint. Target (issue 15): >= 0.3x the throughput.

    python benchmarks/bench_hyperbolic.py [--batch 4 --heads 12 --seq 256 --dhead 64 --reps 10]
"""

from __future__ import annotations

import argparse

import torch
import torch.nn.functional as F
from bench_attention import _paired  # the same interleaved best-of timing

from isingformer.attention.hyperbolic import einstein_midpoint, tangent_distance


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--dhead", type=int, default=64)
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    from isingformer.threads import set_threads

    threads = set_threads(None)
    torch.manual_seed(0)
    B, H, L, d = a.batch, a.heads, a.seq, a.dhead
    q0, k0, v0 = (torch.randn(B, H, L, d, requires_grad=True) for _ in range(3))
    g = torch.randn(B, H, L, d)
    future = torch.ones(L, L, dtype=torch.bool).triu(1)
    kappa = torch.full((H, 1, 1), -1.0)

    def baseline():
        q0.grad = k0.grad = v0.grad = None
        F.scaled_dot_product_attention(q0, k0, v0, is_causal=True).backward(g)

    def hyperbolic(einstein: bool):
        def run():
            q0.grad = k0.grad = v0.grad = None
            logits = (-0.125 * tangent_distance(q0, k0, kappa)).masked_fill(future, float("-inf"))
            w = torch.softmax(logits, dim=-1)
            y = einstein_midpoint(w, v0, kappa) if einstein else w @ v0
            y.backward(g)

        return run

    print(f"shape B={B} H={H} L={L} d_head={d}, causal, threads={threads}")
    for name, einstein in (("tangent", False), ("einstein", True)):
        tb, tf = _paired(baseline, hyperbolic(einstein), a.reps)
        print(
            f"hyperbolic ({name:8s}): {tf * 1e3:8.2f} ms vs SDPA {tb * 1e3:7.2f} ms -> "
            f"throughput ratio {tb / tf:.2f}x (target >= 0.3x)"
        )


if __name__ == "__main__":
    main()
