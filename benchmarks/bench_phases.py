"""Cost of the output-distribution detector relative to the forward passes it needs.

A freshly initialized GPT (``--n-layer`` x ``--d-model``, vocabulary
``--vocab``), ``--texts`` prompts of ``--tokens`` tokens, a grid of ``--num``
points. Over sampling temperature the detector needs one forward pass (the
``[P, S, V]`` logits, then one vectorized softmax per grid point); over β it
needs one per grid point. Prints both times, best of ``--reps`` (interleaved
with the forward passes: the machine is shared), and their ratio to the
forward passes needed. Target (issue 16): at most 3x. Over temperature the
target is out of reach by construction: the softmax and the three divergences
over ``[P, S, V]`` at each grid point cost about as much as the forward pass
itself (exp/log over every vocabulary entry), so the per-grid-point ratio is
printed too.

    python benchmarks/bench_phases.py [--texts 16 --tokens 128 --vocab 1024 --num 21]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=16)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=1024)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--num", type=int, default=21)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    from isingformer.lm import GPT
    from isingformer.phases import detect_from_terms, window_terms
    from isingformer.phases.lm import gpt_beta_distributions, lm_logits, temperature_distributions
    from isingformer.threads import set_threads

    set_threads(None)
    model = GPT(a.vocab, n_layer=a.n_layer, n_head=4, d_model=a.d_model, context=a.tokens).eval()
    idx = torch.randint(0, a.vocab, (a.texts, a.tokens), generator=torch.Generator().manual_seed(0))
    grid = np.geomspace(0.25, 4.0, a.num)
    x = np.log(grid)
    fwd = t_temp = t_beta = float("inf")
    for _ in range(a.reps):
        t0 = time.perf_counter()
        lm_logits(model, idx)
        fwd = min(fwd, time.perf_counter() - t0)
        t0 = time.perf_counter()
        dist = temperature_distributions(lm_logits(model, idx), grid)
        detect_from_terms(x, window_terms(dist, grid.size), n_boot=200)
        t_temp = min(t_temp, time.perf_counter() - t0)
        t0 = time.perf_counter()
        dist = gpt_beta_distributions(model, idx, grid)
        detect_from_terms(x, window_terms(dist, grid.size), n_boot=200)
        t_beta = min(t_beta, time.perf_counter() - t0)
    print(
        f"GPT {a.n_layer} x {a.d_model}, vocabulary {a.vocab}, {a.texts} x {a.tokens} tokens, "
        f"{a.num} grid points, {torch.get_num_threads()} threads"
    )
    print(f"one forward pass              : {fwd:7.3f} s")
    for name, t, need in (("temperature", t_temp, 1), ("beta", t_beta, a.num)):
        r = t / (need * fwd)
        print(
            f"detect over {name:<11}: {t:7.3f} s = {r:5.2f}x the {need} forward pass(es) it needs "
            f"(target <= 3x: {'ok' if r <= 3 else 'ABOVE TARGET'}); "
            f"{t / (a.num * fwd):.2f}x one forward pass per grid point"
        )


if __name__ == "__main__":
    main()
