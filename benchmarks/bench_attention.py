"""Speed of β-attention against bare F.scaled_dot_product_attention.

Forward + backward of the attention core (q, k, v -> output, the part the
policy and bias change) at a GPT-small-like shape scaled to a CPU
(default: batch 4, 12 heads, 256 tokens, d_head 64, causal). Prints the
throughput ratio ours / SDPA for: the scalar β (sqrt_dk), a per-head β
(fixed, folded into q), a learned per-head β, the periodic bias and ALiBi.
Targets (issue 3): >= 0.9x for scalar and per-head β, >= 0.5x with the
periodic bias.

    python benchmarks/bench_attention.py [--batch 4 --heads 12 --seq 256 --dhead 64 --reps 10]
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F

from isingformer.attention import make_beta_policy, make_positional_bias
from isingformer.attention.module import attention_mask


def _paired(base, fn, reps: int) -> tuple[float, float]:
    """Best-of-``reps`` times of ``base`` and ``fn``, run alternately so that
    load from other processes hits both alike."""
    base()
    fn()  # warm-up
    tb = tf = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        base()
        t1 = time.perf_counter()
        fn()
        t2 = time.perf_counter()
        tb, tf = min(tb, t1 - t0), min(tf, t2 - t1)
    return tb, tf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--dhead", type=int, default=64)
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    from isingformer.threads import set_threads

    set_threads(None)  # printed below
    torch.manual_seed(0)
    B, H, L, d = a.batch, a.heads, a.seq, a.dhead
    q0, k0, v0 = (torch.randn(B, H, L, d, requires_grad=True) for _ in range(3))
    g = torch.randn(B, H, L, d)

    def baseline():
        q0.grad = k0.grad = v0.grad = None
        F.scaled_dot_product_attention(q0, k0, v0, is_causal=True).backward(g)

    def ours(policy, bias_name):
        pos = make_positional_bias(bias_name, H)

        def run():
            q0.grad = k0.grad = v0.grad = None
            for p in policy.parameters():
                p.grad = None
            q, k, scale = policy.apply(q0, k0, None, True)
            bias = pos(L, dtype=q.dtype)
            mask = attention_mask(L, causal=True, bias=bias, dtype=q.dtype)
            y = F.scaled_dot_product_attention(
                q, k, v0, attn_mask=mask, is_causal=mask is None, scale=scale
            )
            y.backward(g)

        return run

    cases = [
        ("scalar β (sqrt_dk)", make_beta_policy("sqrt_dk", H, d), "none", 0.9),
        (
            "per-head β (fixed)",
            make_beta_policy("fixed", H, d, beta=[0.1 + 0.01 * i for i in range(H)]),
            "none",
            0.9,
        ),
        ("learned per-head β", make_beta_policy("learned", H, d), "none", 0.9),
        ("periodic bias", make_beta_policy("sqrt_dk", H, d), "periodic", 0.5),
        ("alibi bias", make_beta_policy("sqrt_dk", H, d), "alibi", 0.5),
    ]
    print(
        f"shape B={B} H={H} L={L} d_head={d}, causal, fwd+bwd, best of {a.reps}, "
        f"{torch.get_num_threads()} threads"
    )
    for name, pol, bias, target in cases:
        t_base, t = _paired(baseline, ours(pol, bias), a.reps)
        ratio = t_base / t
        flag = "ok" if ratio >= target else "BELOW TARGET"
        print(
            f"{name:24s} {t * 1e3:8.2f} ms  throughput ratio {ratio:5.2f}x  (target >= {target}x: {flag})"
        )


if __name__ == "__main__":
    main()
