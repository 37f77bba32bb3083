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

from isingformer.physics.ising.rng import INV53, U11, next_double, xoshiro_step

ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


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
def _wolff_cluster(s, rng, indptr, indices, thresh, stack):  # pragma: no cover - compiled
    """Grow and flip one Wolff cluster from a random seed; returns its size.

    A spin is flipped when it joins, so "still equal to the seed's old value"
    is the not-yet-visited test; a bond is added when 64 random bits fall
    below ``thresh[p] = floor(p_add 2^64)``.
    """
    n = s.shape[0]
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]
    # seed site from the top 53 bits
    r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
    seed = int(np.float64(r >> U11) * INV53 * n)
    if seed >= n:
        seed = n - 1
    old = s[seed]
    s[seed] = -old
    stack[0] = seed
    top = 1
    size = 1
    while top > 0:
        top -= 1
        i = stack[top]
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if s[j] == old:
                r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                if r < thresh[p]:
                    s[j] = -old
                    stack[top] = j
                    top += 1
                    size += 1
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3
    return size


@numba.njit(cache=True)
def _wolff_cluster_square(s, rng, Y, X, thresh, stack):  # pragma: no cover - compiled
    """:func:`_wolff_cluster` for the uniform ``Y x X`` torus (site i = y X + x)."""
    n = Y * X
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]
    r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
    seed = int(np.float64(r >> U11) * INV53 * n)
    if seed >= n:
        seed = n - 1
    old = s[seed]
    s[seed] = -old
    # the stack holds (row, column) pairs: no integer division in the loop
    stack[0] = seed // X
    stack[1] = seed - (seed // X) * X
    top = 2
    size = 1
    while top > 0:
        top -= 2
        y = stack[top]
        x = stack[top + 1]
        row = y * X
        for q in range(4):
            if q == 0:
                yj = y
                xj = x + 1 if x + 1 < X else 0
            elif q == 1:
                yj = y
                xj = x - 1 if x > 0 else X - 1
            elif q == 2:
                yj = y + 1 if y + 1 < Y else 0
                xj = x
            else:
                yj = y - 1 if y > 0 else Y - 1
                xj = x
            j = (row + xj) if yj == y else (yj * X + xj)
            if s[j] == old:
                r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                if r < thresh:
                    s[j] = -old
                    stack[top] = yj
                    stack[top + 1] = xj
                    top += 2
                    size += 1
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3
    return size


@numba.njit(cache=True)
def _cluster(s, rng, indptr, indices, thresh, stack, Y, X):  # pragma: no cover - compiled
    if Y > 0:
        return _wolff_cluster_square(s, rng, Y, X, thresh[0], stack)
    return _wolff_cluster(s, rng, indptr, indices, thresh, stack)


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
    square_shape,
):  # pragma: no cover - compiled
    """Wolff updates for all replicas (ferromagnetic J, h = 0).

    One "sweep" is a fixed number of clusters, n_c = max(1, round(flips_per_sweep
    N / <|C|>)), with <|C|> from 20 pilot clusters at the start of the call (fixed
    before any measurement, so the measured chain is a plain Markov chain).
    ``square_shape`` = (Y, X) of a uniform square torus selects a stencil kernel
    (no neighbour table), (0, 0) the CSR kernel. ``stats [R, 3]`` receives (clusters per sweep, mean cluster size, spins flipped).
    """
    R = spins.shape[0]
    n = spins.shape[1]
    stack = np.empty(2 * n, dtype=np.int64)
    n_meas = n_sweeps // every
    # square_shape = (Y, X) selects the stencil kernel (uniform torus), (0, 0) the CSR one
    Y, X = square_shape[0], square_shape[1]
    thresh = np.empty(data.shape[0], dtype=np.uint64)
    for r in range(R):
        s = spins[r]
        for p in range(data.shape[0]):
            padd = -math.expm1(-2.0 * betas[r] * data[p])
            thresh[p] = np.uint64(padd * 18446744073709551616.0) if padd < 1.0 else ALL_ONES
        pilot = 0
        for _ in range(20):
            pilot += _cluster(s, rng[r], indptr, indices, thresh, stack, Y, X)
        n_c = max(1, int(flips_per_sweep * n / (pilot / 20.0) + 0.5))
        flipped = 0
        clusters = 0
        for k in range(n_meas):
            for _ in range(every * n_c):
                flipped += _cluster(s, rng[r], indptr, indices, thresh, stack, Y, X)
                clusters += 1
            e, m, f = measure(s, indptr, indices, data, field, cos_site, sin_site)
            energy[r, k] = e
            mag[r, k] = m
            four[r, k] = f
        for _ in range((n_sweeps - n_meas * every) * n_c):
            flipped += _cluster(s, rng[r], indptr, indices, thresh, stack, Y, X)
            clusters += 1
        stats[r, 0] = n_c
        stats[r, 1] = flipped / clusters if clusters > 0 else pilot / 20.0
        stats[r, 2] = flipped + pilot
