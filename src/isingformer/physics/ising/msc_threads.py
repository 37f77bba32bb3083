"""Multi-spin Metropolis and heat-bath on several threads (GIL-free Numba kernels).

Strip decomposition with one synchronisation per ``sync_every`` sweeps. The
rows are cut into ``blocks`` strips of at least 4 rows. A cycle of ``k``
sweeps has two phases:

1. **interiors** (in parallel): every strip sweeps its rows except its first
   and last ``k`` times (colour 0, then colour 1). Those rows read only rows
   of their own strip, and no strip writes a row that another strip reads,
   so the strips run at once without races;
2. **seams** (on the calling thread): each pair of rows where two strips
   meet (last row of one, first row of the next) is swept ``k`` times, its
   outer neighbours being interior rows that are not moving.

Every elementary step updates one colour of one row given all other spins,
with the exact Metropolis (or heat-bath) acceptance, so each step leaves the
Boltzmann distribution invariant and so does any fixed sequence of them:
the chain is exact (tested against Kaufman's torus), only its order of
updates differs from the one-thread kernel's. Strip ``b`` draws from
``streams[b]`` and seam ``b`` from ``streams[blocks + b]`` (xoshiro256**),
so the chain depends on ``blocks``, ``sync_every`` and the seed, never on the
number of threads or on which thread finishes first (tested bit for bit).

Threads: the serial kernels are compiled with ``nogil=True`` and called from
a :class:`~concurrent.futures.ThreadPoolExecutor`; the calling thread and the
pool's take strips one at a time until none is left (more strips than
threads balance the load on a busy machine), and wait for each other once
per cycle. (An earlier kernel
split each colour's rows over Numba's OpenMP threads, ``prange``: two
barriers per sweep at which the threads spin-wait, so on a loaded machine it
ran at 0.06-0.69x the C reference; it was removed.)
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from isingformer.errors import InputError
from isingformer.physics.ising.heatbath_msc import heatbath_thresholds
from isingformer.physics.ising.msc_run import rows

RULES = ("metropolis", "heatbath")
MIN_STRIP = 4


@numba.njit(nogil=True, cache=True)
def sweep_interiors(P, bounds, first, step, streams, heat, t4, t8, thr, k):  # pragma: no cover
    """Phase 1: ``k`` sweeps of the interior rows of strips ``first, first + step, ...``
    of ``P [2, Y, nw]``; strip ``b`` is rows ``bounds[b] .. bounds[b+1]-1``."""
    for b in range(first, bounds.shape[0] - 1, step):
        for _ in range(k):
            for c in range(2):
                rows(P, c, bounds[b] + 1, bounds[b + 1] - 1, streams[b], heat, t4, t8, thr)


@numba.njit(nogil=True, cache=True)
def sweep_seams(P, bounds, streams, heat, t4, t8, thr, k):  # pragma: no cover - compiled
    """Phase 2: ``k`` sweeps of each seam (rows ``bounds[b] - 1`` and ``bounds[b]``)."""
    nb = bounds.shape[0] - 1
    Y = P.shape[1]
    for b in range(nb):
        y = bounds[b]
        ym = y - 1 if y > 0 else Y - 1
        rng = streams[nb + b]
        for _ in range(k):
            for c in range(2):
                rows(P, c, ym, ym + 1, rng, heat, t4, t8, thr)
                rows(P, c, y, y + 1, rng, heat, t4, t8, thr)


def block_bounds(Y: int, blocks: int) -> np.ndarray:
    """Row boundaries ``[blocks + 1]`` (int64) of ``blocks`` near-equal strips."""
    if not 1 <= int(blocks) <= Y // MIN_STRIP:
        raise InputError(
            f"blocks must be between 1 and Y/{MIN_STRIP} = {Y // MIN_STRIP} "
            f"(strips of at least {MIN_STRIP} rows), got {blocks}"
        )
    return np.array([(b * Y) // blocks for b in range(blocks + 1)], dtype=np.int64)


def rule_args(rule: str, beta_j: float) -> tuple:
    """``(heat, t4, t8, thr)``: the kernels' acceptance thresholds for ``rule`` at K = beta J."""
    from isingformer.physics.ising.metropolis_msc import threshold

    if not beta_j > 0:
        raise InputError(f"multi-spin coding needs beta J > 0, got {beta_j}")
    if rule == "metropolis":
        t4, t8 = threshold(np.exp(-4.0 * beta_j)), threshold(np.exp(-8.0 * beta_j))
        return False, t4, t8, np.zeros(5, dtype=np.uint64)
    if rule == "heatbath":
        return True, np.uint64(0), np.uint64(0), heatbath_thresholds(beta_j)
    raise InputError(f"unknown multi-spin rule {rule!r}; use one of {', '.join(RULES)}")


def threaded_sweeps(
    P: np.ndarray,
    streams: np.ndarray,
    rule: str,
    beta_j: float,
    n_sweeps: int,
    threads: int = 2,
    sync_every: int = 8,
    pool: ThreadPoolExecutor | None = None,
) -> None:
    """``n_sweeps`` sweeps of one replica ``P [2, Y, nw]`` (uint64 words of
    :mod:`.metropolis_msc`) in place, in cycles of ``sync_every`` sweeps (the
    last one shorter); ``streams [2 * blocks, 4]`` (advanced in place) sets
    the number of strips. Runs on ``threads`` threads: the calling one and
    ``threads - 1`` of ``pool`` (made here if None)."""
    if streams.ndim != 2 or streams.shape[0] % 2 or streams.shape[1] != 4:
        raise InputError(f"streams must be [2 * blocks, 4], got {streams.shape}")
    if int(sync_every) < 1:
        raise InputError(f"sync_every must be >= 1, got {sync_every}")
    blocks = streams.shape[0] // 2
    bounds = block_bounds(P.shape[1], blocks)
    args = rule_args(rule, beta_j)
    T = max(1, min(int(threads), blocks))
    own = pool is None and T > 1
    if own:
        pool = ThreadPoolExecutor(T - 1)
    try:
        done = 0
        while done < int(n_sweeps):
            k = min(int(sync_every), int(n_sweeps) - done)
            # strips are handed out one at a time to whichever thread is free (a
            # descheduled thread delays no one); the result does not depend on who
            strips = itertools.count()

            def drain(k=k, strips=strips):
                while (b := next(strips)) < blocks:
                    sweep_interiors(P, bounds, b, blocks, streams, *args, k)

            jobs = [pool.submit(drain) for _ in range(1, T)]
            drain()
            for job in jobs:
                job.result()
            sweep_seams(P, bounds, streams, *args, k)
            done += k
    finally:
        if own:
            pool.shutdown()


def threaded_chain(
    shape: tuple[int, int],
    beta: float,
    n_sweeps: int,
    rule: str = "metropolis",
    blocks: int = 2,
    threads: int = 2,
    sync_every: int = 1,
    seed: int = 0,
    burn_in: int = 0,
    start: str = "random",
) -> tuple[np.ndarray, np.ndarray]:
    """Total energies and magnetizations ``[n_sweeps // sync_every]`` (J = 1,
    one per cycle of ``sync_every`` sweeps, after ``burn_in`` sweeps) of one
    multi-spin chain (``rule`` metropolis or heatbath) on a ``shape = (Y, X)``
    torus (X a multiple of 128), ``start`` random or ordered (all up; below
    T_c a random start on an elongated torus can freeze into long-lived
    stripes, a slow mode of any local dynamics), ``blocks`` strips run on
    ``threads`` threads. The chain depends on ``blocks``, ``sync_every`` and
    ``seed`` only."""
    from isingformer.physics.ising.metropolis_msc import _measure, msc_supported, pack
    from isingformer.physics.ising.rng import seed_streams

    reason = msc_supported(tuple(shape))
    if reason is not None:
        raise InputError(reason)
    Y, X = shape
    block_bounds(Y, blocks)
    rule_args(rule, beta)
    if not 1 <= int(threads) <= int(blocks):
        raise InputError(f"threads must be between 1 and blocks = {blocks}, got {threads}")
    if start not in ("random", "ordered"):
        raise InputError(f"start must be random or ordered, got {start!r}")
    g = np.random.default_rng(seed)
    spins = (1 - 2 * g.integers(0, 2, size=(1, Y, X))).astype(np.int8)
    if start == "ordered":
        spins[:] = 1
    P = np.ascontiguousarray(pack(spins)[0])
    streams = seed_streams(seed, 2 * int(blocks))
    cos_y, sin_y = np.ones(Y), np.zeros(Y)
    n_meas = int(n_sweeps) // int(sync_every)
    energy, mag = np.empty(n_meas), np.empty(n_meas)
    with ThreadPoolExecutor(max(1, int(threads) - 1)) as pool:
        if burn_in > 0:
            threaded_sweeps(P, streams, rule, beta, int(burn_in), threads, sync_every, pool)
        for m in range(n_meas):
            threaded_sweeps(P, streams, rule, beta, sync_every, threads, sync_every, pool)
            anti, down, _ = _measure(P, cos_y, sin_y)
            energy[m] = -(2.0 * Y * X - 2.0 * anti)
            mag[m] = Y * X - 2.0 * down
    return energy, mag
