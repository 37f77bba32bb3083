"""Speed of hyperbolic attention against dot-product attention.

Forward + backward of the attention core at the shape of
``bench_attention.py`` (default: batch 4, 12 heads, 256 tokens, d_head 64,
causal). The baseline is ``F.scaled_dot_product_attention`` (our β-attention
with a scalar β runs exactly this); the hyperbolic core is what
:class:`~isingformer.attention.HyperbolicAttention` runs: the fused logits
−β d_H (:func:`isingformer.attention.hyperbolic.hyperbolic_logits`, analytic
backward), the additive causal mask, softmax, and ``softmax @ V``
(``tangent`` aggregation) or the Einstein midpoint — for the Poincaré ball
and the Lorentz model (``--manifold``). Target (issue 15): >= 0.3x the
throughput.

The two are timed alternately, ``--reps`` pairs after a warm-up; the figure
is the median over pairs of the per-pair ratio t_SDPA / t_hyperbolic (with
its min and max), so that load from other processes hits both alike.

    python benchmarks/bench_hyperbolic.py [--batch 4 --heads 12 --seq 256 --dhead 64 --reps 9]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

from isingformer.attention.hyperbolic import einstein_midpoint, hyperbolic_logits


def _ratios(base, fn, reps: int) -> list[float]:
    """Per-pair throughput ratios ``t_base / t_fn`` of ``reps`` alternating runs
    (``base`` first in each pair), after one warm-up of each."""

    def timed(f) -> float:
        t0 = time.perf_counter()
        f()
        return time.perf_counter() - t0

    timed(base), timed(fn)
    return [timed(base) / timed(fn) for _ in range(reps)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--dhead", type=int, default=64)
    ap.add_argument("--reps", type=int, default=9)
    a = ap.parse_args()
    from isingformer.threads import set_threads

    threads = set_threads(None)
    torch.manual_seed(0)
    B, H, L, d = a.batch, a.heads, a.seq, a.dhead
    q0, k0, v0 = (torch.randn(B, H, L, d, requires_grad=True) for _ in range(3))
    g = torch.randn(B, H, L, d)
    mask = torch.zeros(L, L).masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), -torch.inf)
    kappa = torch.full((H, 1, 1), -1.0)
    beta = 1 / d**0.5

    def baseline():
        q0.grad = k0.grad = v0.grad = None
        F.scaled_dot_product_attention(q0, k0, v0, is_causal=True).backward(g)

    def hyperbolic(einstein: bool):
        def run():
            q0.grad = k0.grad = v0.grad = None
            w = torch.softmax(hyperbolic_logits(q0, k0, kappa, beta).add_(mask), dim=-1)
            y = einstein_midpoint(w, v0, kappa) if einstein else w @ v0
            y.backward(g)

        return run

    print(f"shape B={B} H={H} L={L} d_head={d}, causal, fwd+bwd, threads={threads}")
    for name, einstein in (("tangent", False), ("einstein", True)):
        r = _ratios(baseline, hyperbolic(einstein), a.reps)
        med = statistics.median(r)
        flag = "ok" if med >= 0.3 else "BELOW TARGET"
        print(
            f"hyperbolic ({name:8s}): throughput ratio {med:.2f}x (median of {len(r)} "
            f"interleaved pairs, range {min(r):.2f}-{max(r):.2f}; target >= 0.3x: {flag})"
        )


if __name__ == "__main__":
    main()
