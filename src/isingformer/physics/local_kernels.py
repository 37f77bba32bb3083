"""Compiled kernels for any coupling matrix (CSR): single-spin Metropolis and
heat-bath sweeps, the Wolff cluster update, and the common measurement.

Every kernel works on all replicas ``spins [R, N]`` (int8) with inverse
temperatures ``betas [R]`` and xoshiro256** states ``rng [R, 4]``; it writes
``n_sweeps // every`` measurements (total energy, total magnetization, and the
structure factor |sum_i s_i e^{i k y_i}|^2 at the smallest wave vector along
the lattice's first axis) per replica.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from isingformer.physics.rng import next_double


@numba.njit(cache=True)
def measure(s, indptr, indices, data, field, cos_site, sin_site):  # pragma: no cover
    """(E, M, |sum s e^{iky}|^2) of one configuration ``s [N]``."""
    n = s.shape[0]
    e = 0.0
    m = 0
    fr = 0.0
    fi = 0.0
    for i in range(n):
        si = s[i]
        acc = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            acc += data[p] * s[indices[p]]
        e -= si * (0.5 * acc + field[i])
        m += si
        fr += si * cos_site[i]
        fi += si * sin_site[i]
    return e, m, fr * fr + fi * fi


@numba.njit(cache=True)
def _local_sweep(s, beta, rng, indptr, indices, data, field, heatbath):  # pragma: no cover
    n = s.shape[0]
    for i in range(n):
        f = field[i]
        for p in range(indptr[i], indptr[i + 1]):
            f += data[p] * s[indices[p]]
        if heatbath:
            # P(s_i = +1) = 1 / (1 + exp(-2 beta f))
            u = next_double(rng)
            x = -2.0 * beta * f
            p_up = 1.0 / (1.0 + math.exp(x)) if x < 700.0 else 0.0
            s[i] = 1 if u < p_up else -1
        else:
            de = 2.0 * s[i] * f
            if de <= 0.0 or next_double(rng) < math.exp(-beta * de):
                s[i] = -s[i]


@numba.njit(cache=True)
def run_local(
    spins,
    betas,
    rng,
    indptr,
    indices,
    data,
    field,
    cos_site,
    sin_site,
    n_sweeps,
    every,
    heatbath,
    energy,
    mag,
    four,
):  # pragma: no cover - compiled
    """Sequential single-spin sweeps (Metropolis or heat-bath) for all replicas."""
    R = spins.shape[0]
    n_meas = n_sweeps // every
    for r in range(R):
        s = spins[r]
        for k in range(n_meas):
            for _ in range(every):
                _local_sweep(s, betas[r], rng[r], indptr, indices, data, field, heatbath)
            e, m, f = measure(s, indptr, indices, data, field, cos_site, sin_site)
            energy[r, k] = e
            mag[r, k] = m
            four[r, k] = f
        for _ in range(n_sweeps - n_meas * every):
            _local_sweep(s, betas[r], rng[r], indptr, indices, data, field, heatbath)


@numba.njit(cache=True)
def _wolff_cluster(s, rng, indptr, indices, padd, stack, mark, stamp):  # pragma: no cover
    """Grow and flip one Wolff cluster from a random seed; returns its size."""
    n = s.shape[0]
    seed = int(next_double(rng) * n)
    if seed >= n:
        seed = n - 1
    s0 = s[seed]
    top = 0
    stack[0] = seed
    top = 1
    mark[seed] = stamp
    s[seed] = -s0
    size = 1
    while top > 0:
        top -= 1
        i = stack[top]
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if mark[j] != stamp and s[j] == s0 and next_double(rng) < padd[p]:
                mark[j] = stamp
                s[j] = -s0
                stack[top] = j
                top += 1
                size += 1
    return size


@numba.njit(cache=True)
def run_wolff(
    spins,
    betas,
    rng,
    indptr,
    indices,
    data,
    field,
    cos_site,
    sin_site,
    n_sweeps,
    every,
    flips_per_sweep,
    energy,
    mag,
    four,
    stats,
):  # pragma: no cover - compiled
    """Wolff updates for all replicas (ferromagnetic J, h = 0).

    One "sweep" is a fixed number of clusters, n_c = max(1, round(flips_per_sweep
    N / <|C|>)), with <|C|> from 20 pilot clusters at the start of the call (fixed
    before any measurement, so the measured chain is a plain Markov chain).
    ``stats [R, 2]`` receives (clusters per sweep, mean cluster size measured).
    """
    R = spins.shape[0]
    n = spins.shape[1]
    stack = np.empty(n, dtype=np.int64)
    mark = np.zeros(n, dtype=np.int64)
    stamp = 0
    n_meas = n_sweeps // every
    padd = np.empty(data.shape[0])
    for r in range(R):
        s = spins[r]
        for p in range(data.shape[0]):
            padd[p] = 1.0 - math.exp(-2.0 * betas[r] * data[p])
        pilot = 0
        for _ in range(20):
            stamp += 1
            pilot += _wolff_cluster(s, rng[r], indptr, indices, padd, stack, mark, stamp)
        n_c = max(1, int(round(flips_per_sweep * n / (pilot / 20.0))))
        flipped = 0
        clusters = 0
        for k in range(n_meas):
            for _ in range(every * n_c):
                stamp += 1
                flipped += _wolff_cluster(s, rng[r], indptr, indices, padd, stack, mark, stamp)
                clusters += 1
            e, m, f = measure(s, indptr, indices, data, field, cos_site, sin_site)
            energy[r, k] = e
            mag[r, k] = m
            four[r, k] = f
        for _ in range((n_sweeps - n_meas * every) * n_c):
            stamp += 1
            flipped += _wolff_cluster(s, rng[r], indptr, indices, padd, stack, mark, stamp)
            clusters += 1
        stats[r, 0] = n_c
        stats[r, 1] = flipped / clusters if clusters > 0 else pilot / 20.0
