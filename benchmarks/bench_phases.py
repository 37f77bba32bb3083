"""Cost of the output-distribution detector relative to the forward passes it needs,
and of replica exchange relative to the SK parallel-tempering kernel.

A freshly initialized GPT (``--n-layer`` x ``--d-model``, vocabulary
``--vocab``), ``--texts`` prompts of ``--tokens`` tokens, a grid of ``--num``
points. Over sampling temperature the detector needs one forward pass (the
``[P, S, V]`` logits; then :func:`isingformer.phases.lm.temperature_terms`:
one compiled pass per position for the softmax at every grid temperature and
the divergences of every pair); over β it needs one per grid point. Each
pipeline (forward passes, divergences, bootstrap peaks) is timed interleaved
with a bare forward pass; printed: the median over ``--reps`` of the ratio to
the forward passes needed (target, issue 16: at most 3x), and for temperature
its parts (the forward pass inside the pipeline, the divergences, the bootstrap
over prompts) in units of the bare forward pass.

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
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--replica-sweeps", type=int, default=300)
    a = ap.parse_args()
    from isingformer.lm import GPT
    from isingformer.phases import detect_from_terms, window_terms
    from isingformer.phases.lm import gpt_beta_distributions, lm_logits, temperature_terms
    from isingformer.threads import set_threads

    set_threads(None)
    bench_replica(a.replica_sweeps, a.reps)
    model = GPT(a.vocab, n_layer=a.n_layer, n_head=4, d_model=a.d_model, context=a.tokens).eval()
    idx = torch.randint(0, a.vocab, (a.texts, a.tokens), generator=torch.Generator().manual_seed(0))
    grid = np.geomspace(0.25, 4.0, a.num)
    x = np.log(grid)

    def timed(fn) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    def over_t() -> tuple[float, float, float]:
        t0 = time.perf_counter()
        logits = lm_logits(model, idx)
        t1 = time.perf_counter()
        terms = temperature_terms(logits, grid)
        t2 = time.perf_counter()
        detect_from_terms(x, terms, n_boot=200)
        return t1 - t0, t2 - t1, time.perf_counter() - t2

    def over_beta() -> None:
        dist = gpt_beta_distributions(model, idx, grid)
        detect_from_terms(x, window_terms(dist, grid.size), n_boot=200)

    over_t()  # compile / load the kernel
    rows, parts = [], []
    for _ in range(a.reps):
        fwd = timed(lambda: lm_logits(model, idx))
        part = over_t()
        t_temp = sum(part)
        fwd2 = timed(lambda: lm_logits(model, idx))
        t_beta = timed(over_beta)
        f = 0.5 * (fwd + fwd2)
        rows.append((f, t_temp, t_beta, t_temp / f, t_beta / (a.num * f)))
        parts.append([p / f for p in part])
    r = np.median(np.array(rows), axis=0)
    pm = np.median(np.array(parts), axis=0)
    print(
        f"GPT {a.n_layer} x {a.d_model}, vocabulary {a.vocab}, {a.texts} x {a.tokens} tokens, "
        f"{a.num} grid points, {torch.get_num_threads()} threads (medians of {a.reps})"
    )
    print(f"one forward pass       : {r[0]:7.3f} s")
    for name, t, ratio, need in (("temperature", r[1], r[3], 1), ("beta", r[2], r[4], a.num)):
        print(
            f"detect over {name:<11}: {t:7.3f} s = {ratio:5.2f}x the {need} forward pass(es) it "
            f"needs (target <= 3x: {'ok' if ratio <= 3 else 'ABOVE TARGET'})"
        )
    print(
        f"  temperature, parts in forward passes: its forward pass {pm[0]:.2f}, divergences "
        f"at every temperature {pm[1]:.2f}, bootstrap over prompts {pm[2]:.2f}"
    )


if __name__ == "__main__":
    main()
