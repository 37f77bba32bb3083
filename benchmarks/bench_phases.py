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

Replica exchange (``--replica-sweeps``): the generic driver
:func:`isingformer.physics.replica_exchange` with the compiled dense sampler on
the layered bond model of a GPT's MLP blocks (2 layers x 32: 352 spins, 16
temperatures 0.5–1.6 T_c, 2 chains), against the SK parallel-tempering kernel
of :mod:`isingformer.physics.glass` on SK couplings of the same size (and on
the same layered couplings: the driver's own overhead), per spin update,
interleaved, median ratio of ``--reps`` repeats. Target (issue 16): <= 2x.

    python benchmarks/bench_phases.py [--texts 16 --tokens 128 --vocab 1024 --num 21]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch


def bench_replica(n_sweeps: int, reps: int) -> None:
    """Replica-exchange driver vs the SK parallel-tempering kernel, per spin update."""
    from isingformer.lm import GPT
    from isingformer.phases.spin import gpt_bond_matrix, tc_squared_bonds
    from isingformer.physics import DenseIsingSampler, replica_exchange
    from isingformer.physics.glass import geometric_ladder, parallel_tempering, sk_couplings

    J_layered, _ = gpt_bond_matrix(GPT(65, n_layer=2, n_head=2, d_model=32, context=32, seed=0))
    n = J_layered.shape[0]
    J_sk = sk_couplings(n, 0)
    tc = tc_squared_bonds(J_layered)
    b_sk, b_layered = geometric_ladder(0.5, 1.6, 16), geometric_ladder(0.5 * tc, 1.6 * tc, 16)
    updates = n_sweeps * 2 * 16 * n

    def kernel(J, b) -> float:
        t0 = time.perf_counter()
        parallel_tempering(J, b, n_sweeps=n_sweeps, n_chains=2)
        return time.perf_counter() - t0

    def driver(J, b) -> float:
        t0 = time.perf_counter()
        replica_exchange(DenseIsingSampler(J), b, n_sweeps=n_sweeps, n_chains=2)
        return time.perf_counter() - t0

    kernel(J_sk, b_sk), driver(J_layered, b_layered)  # compile / load the kernels
    rows = np.array(
        [(kernel(J_sk, b_sk), driver(J_layered, b_layered), kernel(J_layered, b_layered))
         for _ in range(reps)]
    )  # fmt: skip
    sk, drv, same = np.median(rows, axis=0) / updates * 1e9
    r_sk = float(np.median(rows[:, 1] / rows[:, 0]))
    r_same = float(np.median(rows[:, 1] / rows[:, 2]))
    print(f"replica exchange, {n} spins x 16 temperatures x 2 chains, {n_sweeps} sweeps:")
    print(f"  SK kernel (glass) on SK couplings   : {sk:6.1f} ns per spin update")
    print(f"  generic driver on the layered model : {drv:6.1f} ns per spin update")
    print(f"  SK kernel on the layered model      : {same:6.1f} ns per spin update")
    print(
        f"  driver / SK kernel = {r_sk:.2f}x (target <= 2x: {'ok' if r_sk <= 2 else 'ABOVE'}); "
        f"driver / kernel on the same couplings = {r_same:.2f}x  (medians of {reps} "
        "interleaved ratios)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=16)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=1024)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--num", type=int, default=21)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--replica-sweeps", type=int, default=300)
    a = ap.parse_args()
    bench_replica(a.replica_sweeps, max(a.reps, 5))
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
