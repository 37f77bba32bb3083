"""Speed measurements of the Monte Carlo paths, with baselines run in the same process.

- Metropolis at L = 1024 near T_c, one thread: the multi-spin-coded Numba rule
  against a plain NumPy checkerboard (np.roll on int8, acceptance table).
- Wolff at L = 256 near T_c: flipped spins per nanosecond.
"""

from __future__ import annotations

import time

import numpy as np

from isingformer.errors import InputError
from isingformer.physics.ising.onsager import CRITICAL_TEMPERATURE


def numpy_checkerboard(spins: np.ndarray, beta: float, sweeps: int, seed: int = 0) -> np.ndarray:
    """The plain NumPy baseline: ``sweeps`` checkerboard Metropolis sweeps of ``spins [L, L]``."""
    rng = np.random.default_rng(seed)
    s = spins.copy()
    parity = (np.indices(s.shape).sum(axis=0) % 2).astype(bool)
    # acceptance probability indexed by dE/4 + 2 in {-8, -4, 0, 4, 8}
    table = np.minimum(1.0, np.exp(-beta * np.array([-8.0, -4.0, 0.0, 4.0, 8.0]))).astype(
        np.float32
    )
    for _ in range(sweeps):
        for mask in (parity, ~parity):
            nb = np.roll(s, 1, 0) + np.roll(s, -1, 0) + np.roll(s, 1, 1) + np.roll(s, -1, 1)
            de4 = (s * nb) // 2 + 2  # dE = 2 s nb; index dE/4 + 2
            flip = mask & (rng.random(s.shape, dtype=np.float32) < table[de4])
            s = np.where(flip, -s, s)
    return s


def _timed(fn, min_seconds: float) -> tuple[float, int]:
    """Call ``fn()`` repeatedly for at least ``min_seconds``; (seconds per call, calls)."""
    calls, t0 = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        dt = time.perf_counter() - t0
        if dt >= min_seconds:
            return dt / calls, calls


def bench_metropolis(
    L: int = 1024,
    T: float = CRITICAL_TEMPERATURE,
    sweeps: int = 50,
    baseline_sweeps: int = 3,
    min_seconds: float = 1.0,
    seed: int = 0,
) -> dict:
    """flips/ns of the multi-spin-coded Metropolis and of the NumPy baseline at ``L``."""
    from isingformer.physics.ising.hamiltonian import square_ising
    from isingformer.physics.ising.rules import metropolis
    from isingformer.physics.ising.sampler import Sampler

    if L < 128 or L % 128:
        raise InputError(f"the benchmark lattice must be a multiple of 128, got L = {L}")
    if not T > 0:
        raise InputError(f"T must be > 0, got {T}")
    model = square_ising(L)
    sampler = Sampler(model, metropolis("msc"))
    state = sampler.init_state([1.0 / T], seed=seed, start="random")
    state = sampler.sweep(state, 5)  # compile (cached) and warm up
    holder = {"s": state}

    def run_msc() -> None:
        holder["s"] = sampler.sweep(holder["s"], sweeps)

    per_call, _ = _timed(run_msc, min_seconds)
    msc = L * L * sweeps / (per_call * 1e9)
    spins = holder["s"].spins.reshape(L, L)
    base_call, _ = _timed(
        lambda: numpy_checkerboard(spins, 1.0 / T, baseline_sweeps, seed), min_seconds
    )
    base = L * L * baseline_sweeps / (base_call * 1e9)
    return {
        "size": L,
        "temperature": T,
        "flips_per_ns": msc,
        "baseline_flips_per_ns": base,
        "ratio": msc / base,
        "target_ratio": 15.0,
        "backend": "msc",
        "baseline": "numpy checkerboard (np.roll, int8)",
    }


def bench_wolff(
    L: int = 256,
    T: float = CRITICAL_TEMPERATURE,
    sweeps: int = 20,
    min_seconds: float = 1.0,
    seed: int = 0,
) -> dict:
    """Flipped spins per ns of the Wolff rule at ``L`` (one sweep ~ N flipped spins)."""
    from isingformer.physics.ising.hamiltonian import square_ising
    from isingformer.physics.ising.local_kernels import run_wolff
    from isingformer.physics.ising.rules import _phases, _square_shape, wolff
    from isingformer.physics.ising.sampler import Sampler

    model = square_ising(L)
    sampler = Sampler(model, wolff())
    state = sampler.sweep(sampler.init_state([1.0 / T], seed=seed), 5)
    spins, rng = state.spins.copy(), state.rng.copy()
    indptr, indices, data = model.csr
    cs, sn = _phases(model)
    stats = np.zeros((1, 3))
    empty = [np.zeros((1, 0)) for _ in range(3)]
    flipped = []

    def run() -> None:
        run_wolff(
            spins,
            state.betas,
            rng,
            indptr,
            indices,
            data,
            model.field,
            cs,
            sn,
            sweeps,
            sweeps + 1,
            1.0,
            *empty,
            stats,
            _square_shape(model),
        )
        flipped.append(stats[0, 2])

    per_call, _ = _timed(run, min_seconds)
    mean_flipped = float(np.mean(flipped))
    return {
        "size": L,
        "temperature": T,
        "flipped_spins_per_ns": mean_flipped / (per_call * 1e9),
        "mean_cluster_size": float(stats[0, 1]),
        "target_flipped_spins_per_ns": 0.05,
    }
