"""Parallel tempering of multi-spin Metropolis replicas on several threads.

``R`` replicas of one ``(Y, X)`` torus (multi-spin words, :mod:`.metropolis_msc`)
each sit at one of ``R`` inverse temperatures. A round is ``sweeps_per_round``
one-thread Metropolis sweeps of every replica — replicas are independent, so
thread ``t`` of ``threads`` takes replicas ``t, t + threads, ...`` in a
GIL-free Numba call — then one exchange attempt between every other pair of
neighbouring temperatures (even pairs on even rounds, odd pairs on odd
rounds), accepted with probability min(1, e^{(b_i - b_j)(E_i - E_j)}).
Replica ``r`` draws from its own xoshiro256** stream and the exchanges from
one NumPy generator, so the chain depends on the seed only, not on the
threads (tested bit for bit); every temperature's marginal is its Boltzmann
distribution (tested against Kaufman's torus).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from isingformer.errors import InputError
from isingformer.physics.ising.metropolis_msc import update_rows


@numba.njit(nogil=True, cache=True)
def replica_sweeps(P, rng, t4, t8, first, step, n_sweeps):  # pragma: no cover - compiled
    """``n_sweeps`` sweeps of replicas ``first, first + step, ...`` of ``P [R, 2, Y, nw]``;
    replica ``r`` uses ``rng[r]`` and the thresholds ``t4[r], t8[r]`` of its temperature."""
    Y = P.shape[2]
    for r in range(first, P.shape[0], step):
        for _ in range(n_sweeps):
            for c in range(2):
                update_rows(P[r], c, 0, Y, rng[r], t4[r], t8[r])


def tempering_chain(
    shape: tuple[int, int],
    betas,
    n_rounds: int,
    sweeps_per_round: int = 1,
    threads: int = 2,
    seed: int = 0,
    burn_in: int = 0,
) -> dict:
    """Parallel tempering at ``betas [R]`` (J = 1) on a ``shape = (Y, X)`` torus (X a
    multiple of 128) from random starts, on ``threads`` threads. ``burn_in`` rounds
    are discarded. Returns ``energy``, ``magnetization`` ``[R, n_rounds]`` (totals,
    one per round, indexed by temperature), ``swap_acceptance [R - 1]`` and
    ``betas``."""
    from isingformer.physics.ising.metropolis_msc import _measure, msc_supported, pack, threshold
    from isingformer.physics.ising.rng import seed_streams

    reason = msc_supported(tuple(shape))
    if reason is not None:
        raise InputError(reason)
    b = np.asarray(betas, dtype=np.float64)
    if b.ndim != 1 or b.size < 2 or not np.all(np.isfinite(b)) or np.any(b <= 0):
        raise InputError("betas must be at least two finite values > 0")
    R = b.size
    if not 1 <= int(threads) <= R:
        raise InputError(f"threads must be between 1 and the number of replicas {R}, got {threads}")
    if int(sweeps_per_round) < 1 or int(n_rounds) < 1 or int(burn_in) < 0:
        raise InputError("n_rounds and sweeps_per_round must be >= 1, burn_in >= 0")
    Y, X = shape
    N = Y * X
    g = np.random.default_rng(seed)
    P = np.ascontiguousarray(pack((1 - 2 * g.integers(0, 2, size=(R, Y, X))).astype(np.int8)))
    rng = seed_streams(seed, R)
    T4 = np.array([threshold(np.exp(-4.0 * x)) for x in b], dtype=np.uint64)
    T8 = np.array([threshold(np.exp(-8.0 * x)) for x in b], dtype=np.uint64)
    temp_of = np.arange(R)  # temperature index of each replica
    cos_y, sin_y = np.ones(Y), np.zeros(Y)
    energy = np.empty((R, int(n_rounds)))
    mag = np.empty((R, int(n_rounds)))
    tried = np.zeros(R - 1)
    accepted = np.zeros(R - 1)
    T = int(threads)
    with ThreadPoolExecutor(max(1, T - 1)) as pool:
        for k in range(int(burn_in) + int(n_rounds)):
            t4, t8 = T4[temp_of], T8[temp_of]
            args = (P, rng, t4, t8)
            jobs = [
                pool.submit(replica_sweeps, *args, t, T, int(sweeps_per_round)) for t in range(1, T)
            ]
            replica_sweeps(*args, 0, T, int(sweeps_per_round))
            for job in jobs:
                job.result()
            e = np.empty(R)
            m = np.empty(R)
            for r in range(R):
                anti, down, _ = _measure(P[r], cos_y, sin_y)
                e[r] = -(2.0 * N - 2.0 * anti)
                m[r] = N - 2.0 * down
            replica_at = np.argsort(temp_of)  # replica holding each temperature
            for i in range(k % 2, R - 1, 2):
                ri, rj = replica_at[i], replica_at[i + 1]
                x = (b[i] - b[i + 1]) * (e[ri] - e[rj])
                u = g.random()
                if k >= burn_in:
                    tried[i] += 1
                if x >= 0 or u < np.exp(x):
                    temp_of[ri], temp_of[rj] = i + 1, i
                    replica_at[i], replica_at[i + 1] = rj, ri
                    if k >= burn_in:
                        accepted[i] += 1
            if k >= burn_in:
                energy[:, k - burn_in] = e[replica_at]
                mag[:, k - burn_in] = m[replica_at]
    return {
        "energy": energy,
        "magnetization": mag,
        "swap_acceptance": accepted / np.maximum(tried, 1),
        "betas": b,
    }
