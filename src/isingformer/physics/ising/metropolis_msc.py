"""Checkerboard Metropolis with multi-spin coding: 64 spins per uint64 word.

Layout (rows y = axis 0, columns x = axis 1, both even, X/2 a multiple of 64).
Colour c holds the spins with (x + y) % 2 == c; in row y they sit at
x = 2j + (y + c) % 2, j = 0 .. X/2 - 1. Index j is stored strided: word
w = j % nw, bit b = j // nw (nw = X/128 words per row and colour), and bit 1
means spin -1. Then every neighbour of a word is a whole word of the other
colour at the same bit positions: rows y-1, y+1 and y at word w, and row y at
word w + d with d = -1 if (y + c) is even else +1; wrapping past the row end
is a one-bit rotation of the end word.

Per word the four XORs a ^ n_k mark antiparallel bonds; two half adders give
the masks "k >= 2" (dE <= 0: always flip), "k == 1" (dE = 4J) and "k == 0"
(dE = 8J). Those lanes are accepted with probability P/2^64, P = floor(p 2^64),
p = exp(-beta dE), exactly: each lane draws its own uniform U bit by bit from
the top (one random word gives one bit to all 64 lanes) and compares it
lazily with the binary digits of its threshold; a lane is decided at the first
differing digit, so about log2(64) + 2 random words serve 64 spins.
"""

from __future__ import annotations

import numba
import numpy as np

from isingformer.physics.ising.rng import U1, xoshiro_step

U0 = np.uint64(0)
U2 = np.uint64(2)
U4 = np.uint64(4)
U56 = np.uint64(56)
U63 = np.uint64(63)
ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
M1 = np.uint64(0x5555555555555555)
M2 = np.uint64(0x3333333333333333)
M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
H01 = np.uint64(0x0101010101010101)


@numba.njit(inline="always")
def _rotr1(x):  # pragma: no cover - compiled
    return (x >> U1) | (x << U63)


@numba.njit(inline="always")
def _rotl1(x):  # pragma: no cover - compiled
    return (x << U1) | (x >> U63)


@numba.njit(inline="always")
def row_geometry(y, c, Y):  # pragma: no cover - compiled
    """(row above, row below, d) of row ``y`` for colour ``c`` on ``Y`` periodic rows."""
    return (y - 1 if y > 0 else Y - 1), (y + 1 if y + 1 < Y else 0), (-1 if (y + c) % 2 == 0 else 1)


@numba.njit(inline="always")
def side_word(P, o, y, w, nw, d):  # pragma: no cover - compiled
    """The word of colour ``o`` in row ``y`` beside word ``w`` (``d`` = +-1 as above)."""
    if d == 1:
        return P[o, y, w + 1] if w + 1 < nw else _rotr1(P[o, y, 0])
    return P[o, y, w - 1] if w > 0 else _rotl1(P[o, y, nw - 1])


def bond_classes(a, n1, n2, n3, n4):  # pragma: no cover - compiled (CPU and CUDA)
    """Lane masks of a word ``a`` with neighbour words ``n1..n4``: (>= 2 antiparallel
    bonds: dE <= 0, exactly one: dE = 4J, none: dE = 8J)."""
    x1 = a ^ n1
    x2 = a ^ n2
    x3 = a ^ n3
    x4 = a ^ n4
    h1 = x1 ^ x2
    c1 = x1 & x2
    h2 = x3 ^ x4
    c2 = x3 & x4
    ge2 = c1 | c2 | (h1 & h2)
    eq1 = (h1 ^ h2) & ~ge2
    return ge2, eq1, ~ge2 & ~eq1


_bond_classes = numba.njit(inline="always")(bond_classes)


@numba.njit(cache=True)
def update_rows(P, c, y0, y1, rng, t4, t8):  # pragma: no cover - compiled
    """Metropolis update of colour ``c`` in rows ``y0 .. y1-1`` of ``P [2, Y, nw]``;
    ``rng [4]`` (one xoshiro256** state) is advanced in place."""
    Y = P.shape[1]
    nw = P.shape[2]
    o = 1 - c
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]
    for y in range(y0, y1):
        ym, yp, d = row_geometry(y, c, Y)
        for w in range(nw):
            a = P[c, y, w]
            n4 = side_word(P, o, y, w, nw, d)
            ge2, eq1, eq0 = _bond_classes(a, P[o, ym, w], P[o, yp, w], P[o, y, w], n4)
            undecided = ~ge2
            flip = ge2
            if undecided != U0:
                bit = U63
                while True:
                    # one random bit for every lane
                    r, s0, s1, s2, s3 = xoshiro_step(s0, s1, s2, s3)
                    tb = (eq1 & (U0 - ((t4 >> bit) & U1))) | (eq0 & (U0 - ((t8 >> bit) & U1)))
                    flip |= undecided & tb & ~r  # digit of U below the threshold's
                    undecided &= ~(r ^ tb)  # lanes still equal so far
                    if undecided == U0 or bit == U0:
                        break
                    bit -= U1
            P[c, y, w] = a ^ flip
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3


def msc_supported(shape: tuple[int, ...]) -> str | None:
    """None if multi-spin coding applies to a lattice of ``shape``, else the reason."""
    if len(shape) != 2:
        return "multi-spin coding is implemented for the 2D square lattice only"
    Y, X = shape
    if Y % 2 or X % 2:
        return f"the checkerboard needs even sides, got {Y} x {X}"
    if X % 128:
        return f"multi-spin coding packs 64 spins of a colour per word: the row length must be a multiple of 128, got {X}"
    return None


def pack(spins: np.ndarray) -> np.ndarray:
    """int8 spins ``[R, Y, X]`` -> words ``[R, 2, Y, nw]`` (uint64) in the layout above."""
    R, Y, X = spins.shape
    n = X // 2
    nw = n // 64
    bits = (spins < 0).astype(np.uint64)  # [R, Y, X]
    out = np.empty((R, 2, Y, nw), dtype=np.uint64)
    shifts = np.arange(64, dtype=np.uint64)
    for c in range(2):
        for par in range(2):  # rows with (y + c) % 2 == par start at x = par
            rows = np.arange(Y)[(np.arange(Y) + c) % 2 == par]
            sel = bits[:, rows, par::2]  # [R, nrows, n], index j
            sel = sel.reshape(R, len(rows), 64, nw).transpose(0, 1, 3, 2)  # j = b*nw + w
            out[:, c, rows, :] = np.bitwise_or.reduce(sel << shifts, axis=-1)
    return out


def unpack(words: np.ndarray, X: int) -> np.ndarray:
    """Inverse of :func:`pack`: ``[R, 2, Y, nw]`` -> int8 spins ``[R, Y, X]``."""
    R, _, Y, nw = words.shape
    spins = np.empty((R, Y, X), dtype=np.int8)
    shifts = np.arange(64, dtype=np.uint64)
    for c in range(2):
        bits = (words[:, c, :, :, None] >> shifts) & np.uint64(1)  # [R, Y, nw, 64]
        bits = bits.transpose(0, 1, 3, 2).reshape(R, Y, 64 * nw)  # index j = b*nw + w
        vals = (1 - 2 * bits.astype(np.int8)).astype(np.int8)
        for par in range(2):
            rows = np.arange(Y)[(np.arange(Y) + c) % 2 == par]
            spins[:, rows, par::2] = vals[:, rows, :]
    return spins


def threshold(p: float) -> np.uint64:
    """floor(p * 2^64) as uint64 (clamped to 2^64 - 1 for p >= 1)."""
    if p >= 1.0:
        return np.uint64(0xFFFFFFFFFFFFFFFF)
    # p * 2^64 is exact in binary floating point; int() then floors it
    return np.uint64(int(np.ldexp(np.float64(p), 64)))


@numba.njit(inline="always")
def _popcount(x):  # pragma: no cover - compiled
    x = x - ((x >> U1) & M1)
    x = (x & M2) + ((x >> U2) & M2)
    x = (x + (x >> U4)) & M4
    return (x * H01) >> U56


@numba.njit(cache=True)
def _measure(P, cos_y, sin_y):  # pragma: no cover - compiled
    """(anti-parallel bond count, number of -1 spins, |sum_y m_y e^{iky}|^2) of one replica."""
    Y = P.shape[1]
    nw = P.shape[2]
    anti = 0
    down = 0
    fr = 0.0
    fi = 0.0
    for y in range(Y):
        yp = y + 1 if y + 1 < Y else 0
        ym = y - 1 if y > 0 else Y - 1
        d = -1 if (y % 2) == 0 else 1  # colour 0
        row_down = 0
        for w in range(nw):
            a = P[0, y, w]
            n4 = side_word(P, 1, y, w, nw, d)
            anti += _popcount(a ^ P[1, ym, w]) + _popcount(a ^ P[1, yp, w])
            anti += _popcount(a ^ P[1, y, w]) + _popcount(a ^ n4)
            row_down += _popcount(a) + _popcount(P[1, y, w])
        down += row_down
        m_y = 128.0 * nw - 2.0 * row_down
        fr += m_y * cos_y[y]
        fi += m_y * sin_y[y]
    return anti, down, fr * fr + fi * fi


@numba.njit(cache=True)
def _sweeps(P, rng, t4, t8, n_sweeps):  # pragma: no cover - compiled
    """``n_sweeps`` checkerboard sweeps of one replica ``P [2, Y, nw]``; rng ``[4]``."""
    Y = P.shape[1]
    for _ in range(n_sweeps):
        for c in range(2):
            update_rows(P, c, 0, Y, rng, t4, t8)
