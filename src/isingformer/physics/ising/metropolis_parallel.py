"""Checkerboard multi-spin Metropolis on several threads (Numba ``prange``).

Same word layout, acceptance rule and random-bit scheme as
:mod:`isingformer.physics.ising.metropolis_msc` (exact acceptance P/2^64 per
lane). A colour's words depend only on the other colour, so the rows of one
colour split into ``T`` blocks updated at once, block ``t`` drawing from its
own xoshiro256** stream ``streams[t]``; a sweep is colour 0 then colour 1
with a barrier between them. The chain is a valid checkerboard Metropolis
chain for any ``T`` (another random sequence than one thread's, so not
bit-identical to it); with ``T = 1`` it is the single-thread kernel.
"""

from __future__ import annotations

import numba
import numpy as np

from isingformer.physics.ising.rng import U1, U5, U7, U9, U17, U45, U64M

U0 = np.uint64(0)
U63 = np.uint64(63)


@numba.njit(inline="always")
def _rotr1(x):  # pragma: no cover - compiled
    return (x >> U1) | (x << U63)


@numba.njit(inline="always")
def _rotl1(x):  # pragma: no cover - compiled
    return (x << U1) | (x >> U63)


@numba.njit(cache=True)
def update_rows(P, c, y0, y1, rng, t4, t8):  # pragma: no cover - compiled
    """Metropolis update of colour ``c`` in rows ``y0 .. y1-1`` of ``P [2, Y, nw]``;
    ``rng [4]`` (one xoshiro256** state) is advanced in place."""
    Y = P.shape[1]
    nw = P.shape[2]
    o = 1 - c
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]
    for y in range(y0, y1):
        yp = y + 1 if y + 1 < Y else 0
        ym = y - 1 if y > 0 else Y - 1
        d = -1 if ((y + c) % 2) == 0 else 1
        for w in range(nw):
            a = P[c, y, w]
            if d == 1:
                n4 = P[o, y, w + 1] if w + 1 < nw else _rotr1(P[o, y, 0])
            else:
                n4 = P[o, y, w - 1] if w > 0 else _rotl1(P[o, y, nw - 1])
            x1 = a ^ P[o, ym, w]
            x2 = a ^ P[o, yp, w]
            x3 = a ^ P[o, y, w]
            x4 = a ^ n4
            h1 = x1 ^ x2
            c1 = x1 & x2
            h2 = x3 ^ x4
            c2 = x3 & x4
            ge2 = c1 | c2 | (h1 & h2)  # >= 2 antiparallel bonds: dE <= 0
            undecided = ~ge2
            flip = ge2
            if undecided != U0:
                eq1 = (h1 ^ h2) & undecided  # exactly one: dE = 4J
                eq0 = undecided & ~eq1  # none: dE = 8J
                bit = U63
                while True:
                    # xoshiro256** inline: one random bit for every lane
                    r = ((s1 * U5) << U7 | (s1 * U5) >> (U64M - U7)) * U9
                    t = s1 << U17
                    s2 ^= s0
                    s3 ^= s1
                    s1 ^= s2
                    s0 ^= s3
                    s2 ^= t
                    s3 = (s3 << U45) | (s3 >> (U64M - U45))
                    tb = (eq1 & (U0 - ((t4 >> bit) & U1))) | (eq0 & (U0 - ((t8 >> bit) & U1)))
                    flip |= undecided & tb & ~r  # digit of U below the threshold's
                    undecided &= ~(r ^ tb)  # lanes still equal so far
                    if undecided == U0 or bit == U0:
                        break
                    bit -= U1
            P[c, y, w] = a ^ flip
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3


@numba.njit(cache=True, parallel=True)
def sweeps_parallel(P, streams, t4, t8, n_sweeps):  # pragma: no cover - compiled
    """``n_sweeps`` sweeps of one replica ``P [2, Y, nw]`` with ``T`` row blocks per
    colour run in parallel; ``streams [T, 4]`` one random stream per block."""
    T = streams.shape[0]
    Y = P.shape[1]
    for _ in range(n_sweeps):
        for c in range(2):
            for t in numba.prange(T):
                update_rows(P, c, (t * Y) // T, ((t + 1) * Y) // T, streams[t], t4, t8)


def parallel_chain(
    shape: tuple[int, int],
    beta: float,
    n_sweeps: int,
    threads: int = 2,
    seed: int = 0,
    burn_in: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Energies and magnetizations ``[n_sweeps]`` (totals, J = 1, one per sweep
    after ``burn_in`` sweeps) of
    one checkerboard multi-spin Metropolis chain on a ``shape = (Y, X)`` torus
    (X a multiple of 128), random start, ``threads`` row blocks per colour.

    Numba runs the blocks on ``min(threads, numba.get_num_threads())`` threads;
    the chain itself depends only on ``threads`` and ``seed``.
    """
    from isingformer.errors import InputError
    from isingformer.physics.ising.metropolis_msc import _measure, msc_supported, pack, threshold
    from isingformer.physics.ising.rng import seed_streams

    reason = msc_supported(tuple(shape))
    if reason is not None:
        raise InputError(reason)
    Y, X = shape
    if not 1 <= int(threads) <= Y // 2:
        raise InputError(f"threads must be between 1 and Y/2 = {Y // 2}, got {threads}")
    if not beta > 0:
        raise InputError(f"beta must be > 0, got {beta}")
    g = np.random.default_rng(seed)
    spins = (1 - 2 * g.integers(0, 2, size=(1, Y, X))).astype(np.int8)
    P = np.ascontiguousarray(pack(spins)[0])
    streams = seed_streams(seed, int(threads))
    t4, t8 = threshold(np.exp(-4.0 * beta)), threshold(np.exp(-8.0 * beta))
    if burn_in > 0:
        sweeps_parallel(P, streams, t4, t8, int(burn_in))
    cos_y = np.ones(Y)
    sin_y = np.zeros(Y)
    energy, mag = np.empty(int(n_sweeps)), np.empty(int(n_sweeps))
    for k in range(int(n_sweeps)):
        sweeps_parallel(P, streams, t4, t8, 1)
        anti, down, _ = _measure(P, cos_y, sin_y)
        energy[k] = -(2.0 * Y * X - 2.0 * anti)
        mag[k] = Y * X - 2.0 * down
    return energy, mag
