"""Checkerboard heat-bath with multi-spin coding: 64 spins per uint64 word.

The word layout is that of :mod:`isingformer.physics.ising.metropolis_msc`
(bit 1 = spin -1). A spin with ``n`` down neighbours (n = 0..4, local field
f = J (4 - 2n)) is set up with probability p_n = 1 / (1 + e^{-2 beta f}),
whatever its old value. Per word, two half adders and a full adder give the
binary digits of n in every lane, hence five lane masks; each lane compares
its own uniform U (one random word = one bit of U for all 64 lanes, from the
top) lazily with the binary digits of its threshold floor(p_n 2^64), so the
acceptance is exactly floor(p_n 2^64) / 2^64. Lanes with n = 2 (p = 1/2) are
decided by their first bit.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from isingformer.physics.ising.metropolis_msc import row_geometry, side_word
from isingformer.physics.ising.rng import U1, xoshiro_step

U0 = np.uint64(0)
U63 = np.uint64(63)
ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


def heatbath_thresholds(beta_j: float) -> np.ndarray:
    """``[5]`` uint64: floor(p_n 2^64) for n = 0..4 down neighbours at coupling K = beta J
    (p_n and 1 - p_{4-n} agree to the last unit of 2^-64)."""
    out = np.empty(5, dtype=np.uint64)
    for n in range(5):
        f = 4 - 2 * n
        # the smaller of p and 1 - p in floating point (relative error 1e-16),
        # then the larger one as its exact complement on the 2^64 grid
        small = 1.0 / (1.0 + math.exp(min(2.0 * beta_j * abs(f), 700.0)))
        scaled = math.ldexp(small, 64)  # exact
        out[n] = math.floor(scaled) if f <= 0 else (1 << 64) - math.ceil(scaled)
    return out


@numba.njit(cache=True)
def heatbath_rows(P, c, y0, y1, rng, thr):  # pragma: no cover - compiled
    """Heat-bath update of colour ``c`` in rows ``y0 .. y1-1`` of ``P [2, Y, nw]``;
    ``thr [5]`` from :func:`heatbath_thresholds`; ``rng [4]`` (xoshiro256**) is
    advanced in place."""
    Y = P.shape[1]
    nw = P.shape[2]
    o = 1 - c
    t0, t1, t2, t3, t4 = thr[0], thr[1], thr[2], thr[3], thr[4]
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]
    for y in range(y0, y1):
        ym, yp, d = row_geometry(y, c, Y)
        for w in range(nw):
            n4 = side_word(P, o, y, w, nw, d)
            n1 = P[o, ym, w]
            n2 = P[o, yp, w]
            n3 = P[o, y, w]
            h1 = n1 ^ n2
            c1 = n1 & n2
            h2 = n3 ^ n4
            c2 = n3 & n4
            b0 = h1 ^ h2
            k0 = h1 & h2
            b1 = c1 ^ c2 ^ k0
            b2 = (c1 & c2) | ((c1 ^ c2) & k0)
            m0 = ~(b0 | b1 | b2)
            m1 = b0 & ~b1
            m2 = b1 & ~b0
            m3 = b0 & b1
            undecided = ALL
            up = U0
            bit = U63
            while True:
                r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                tb = (
                    (m0 & (U0 - ((t0 >> bit) & U1)))
                    | (m1 & (U0 - ((t1 >> bit) & U1)))
                    | (m2 & (U0 - ((t2 >> bit) & U1)))
                    | (m3 & (U0 - ((t3 >> bit) & U1)))
                    | (b2 & (U0 - ((t4 >> bit) & U1)))
                )
                up |= undecided & tb & ~r  # U's digit below the threshold's: U < T
                undecided &= ~(r ^ tb)
                if undecided == U0 or bit == U0:
                    break
                bit -= U1
            P[c, y, w] = ~up
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3


@numba.njit(cache=True)
def heatbath_sweeps(P, rng, thr, n_sweeps):  # pragma: no cover - compiled
    """``n_sweeps`` one-thread heat-bath sweeps of ``P [2, Y, nw]`` (colour 0, then 1)."""
    Y = P.shape[1]
    for _ in range(n_sweeps):
        for c in range(2):
            heatbath_rows(P, c, 0, Y, rng, thr)
