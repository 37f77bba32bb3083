"""Exact partition polynomials of finite Ising systems.

With H = −Σ_(ij) J_ij s_i s_j − h Σ_i s_i and the overall factor
e^(β Σ J_ij + βhN) removed, Z = Σ_states u^(unsatisfied bond weight) z^(#down)
with u = e^(−2βJ), z = e^(−2βh). The integer table ``g[k, m]`` (number of
states with k down spins and m units of unsatisfied coupling) is exact; the
Lee–Yang polynomial in z at a given u is Σ_k z^k Σ_m g[k, m] u^m and the
Fisher polynomial in u at h = 0 is Σ_m u^m Σ_k g[k, m].
"""

from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np

from isingformer.errors import InputError

__all__ = [
    "GRAPH_MAX_SPINS",
    "TORUS_MAX_SIZE",
    "fisher_polynomial",
    "graph_table",
    "lee_yang_polynomial",
    "ring_polynomial",
    "torus_edges",
    "torus_table",
]

#: Largest torus side with exact float64 integer arithmetic (2^(L²) < 2^53).
TORUS_MAX_SIZE = 7
#: Largest graph for brute-force enumeration (2^n states).
GRAPH_MAX_SPINS = 22


def torus_edges(size: int) -> list[tuple[int, int]]:
    """Nearest-neighbour bonds of the L × L torus (site i = r·L + c), 2L² of them."""
    L = size
    edges = []
    for r in range(L):
        for c in range(L):
            i = r * L + c
            edges.append((i, r * L + (c + 1) % L))
            edges.append((i, ((r + 1) % L) * L + c))
    return edges


def graph_table(n: int, edges, couplings=None) -> tuple[np.ndarray, int]:
    """Enumerate all 2^n states of a graph with integer couplings J_e (in units of J).

    Returns ``(g, offset)`` with ``g[k, m]`` (shape ``[n+1, M+1]``, int64) the number of
    states with k down spins and Σ_unsatisfied J_e − Σ_(J_e<0) J_e ... written as
    m = Σ_e J_e·[s_i ≠ s_j] − offset ≥ 0, ``offset = Σ_(J_e<0) J_e`` (≤ 0).
    """
    if n < 1 or n > GRAPH_MAX_SPINS:
        raise InputError(
            f"graph enumeration needs 1 <= spins <= {GRAPH_MAX_SPINS} (2^n states), got {n}"
        )
    edges = [(int(a), int(b)) for a, b in edges]
    J = [1] * len(edges) if couplings is None else [int(j) for j in couplings]
    if len(J) != len(edges):
        raise InputError("couplings: one integer per edge is needed")
    states = np.arange(2**n, dtype=np.int64)
    bits = (states[:, None] >> np.arange(n)) & 1  # 1 = down
    k = bits.sum(axis=1)
    m = np.zeros(2**n, dtype=np.int64)
    for (a, b), j in zip(edges, J, strict=True):
        m += j * (bits[:, a] ^ bits[:, b])
    offset = sum(j for j in J if j < 0)
    m -= offset
    g = np.zeros((n + 1, int(m.max()) + 1), dtype=np.int64)
    np.add.at(g, (k, m), 1)
    return g, offset


def torus_table(size: int) -> np.ndarray:
    """See :func:`_torus_table`; cached, returns a fresh copy."""
    L = int(size)
    if L < 2 or L > TORUS_MAX_SIZE:
        raise InputError(
            f"--size: exact torus polynomials are limited to 2 <= L <= {TORUS_MAX_SIZE} "
            f"(counts must stay below 2^53), got {size}"
        )
    return _torus_table(L).copy()


@functools.lru_cache(maxsize=8)
def _torus_table(size: int) -> np.ndarray:
    """Exact ``g[k, m]`` of the ferromagnetic L × L torus (shape ``[L²+1, 2L²+1]``)
    by the row transfer matrix with integer-valued float64 arithmetic (exact
    because every count is < 2^(L²) ≤ 2^49 < 2^53). Cyclic shifts of the first
    row give equal traces, so only one row per necklace is propagated.
    """
    L = size
    R = 2**L
    rows = np.arange(R)
    bits = (rows[:, None] >> np.arange(L)) & 1
    down = bits.sum(axis=1)
    horiz = (bits ^ np.roll(bits, -1, axis=1)).sum(axis=1)
    vert = np.array([[bin(a ^ b).count("1") for b in range(R)] for a in range(R)])

    # necklace representatives of the first row and their orbit sizes
    def rot(x: int, t: int) -> int:
        return ((x >> t) | (x << (L - t))) & (R - 1)

    reps, weights = [], []
    seen: set[int] = set()
    for r in range(R):
        if r in seen:
            continue
        orbit = {rot(r, t) for t in range(L)}
        seen |= orbit
        reps.append(r)
        weights.append(len(orbit))
    K, M = L * L + 1, 2 * L * L + 1
    n0 = len(reps)
    # state[r0_index, current_row, k, m]
    state = np.zeros((n0, R, K, M))
    for i, r in enumerate(reps):
        state[i, r, down[r], horiz[r]] = 1.0
    masks = [(vert == d).astype(np.float64) for d in range(L + 1)]
    for _ in range(L - 1):
        state = _step(state, masks, down, horiz)
    # close the torus: last row -> first row (vertical bonds only; first row already counted)
    total = np.zeros((K, M))
    for i, r in enumerate(reps):
        for d in range(L + 1):
            sel = np.nonzero(vert[:, r] == d)[0]
            part = state[i, sel].sum(axis=0)
            if d:
                part = np.concatenate([np.zeros((K, d)), part[:, :-d]], axis=1)
            total += weights[i] * part
    g = np.rint(total).astype(np.int64)
    return g


def _step(state: np.ndarray, masks, down: np.ndarray, horiz: np.ndarray) -> np.ndarray:
    n0, R, K, M = state.shape
    flat = state.transpose(1, 0, 2, 3).reshape(R, -1)  # [row, n0*K*M]
    new = np.zeros((R, n0, K, M))
    for d, mask in enumerate(masks):
        if not mask.any():
            continue
        moved = (mask.T @ flat).reshape(R, n0, K, M)  # Σ_r mask[r, r'] state[r]
        if d:
            new[:, :, :, d:] += moved[:, :, :, :-d]
        else:
            new += moved
    out = np.zeros_like(new)
    for r2 in range(R):
        dk, dm = int(down[r2]), int(horiz[r2])
        out[r2, :, dk:, dm:] = new[r2, :, : K - dk, : M - dm]
    return out.transpose(1, 0, 2, 3)


def _as_fraction(u) -> Fraction:
    try:
        q = Fraction(u)
    except (TypeError, ValueError):
        raise InputError(f"u must be a finite rational/float, got {u!r}") from None
    if q <= 0:
        raise InputError(f"u = e^(-2βJ) must be > 0, got {u}")
    return q


def lee_yang_polynomial(g: np.ndarray, u, offset: int = 0):
    """The Lee–Yang polynomial Σ_k z^k Σ_m g[k, m] u^(m + offset) as an exact
    ``flint.fmpq_poly`` (u rational: a float is taken at its exact binary value)."""
    from flint import fmpq, fmpq_poly

    q = _as_fraction(u)
    uq = fmpq(q.numerator, q.denominator)
    powers = [uq**m for m in range(g.shape[1])]
    coeffs = []
    for k in range(g.shape[0]):
        c = fmpq(0)
        for m in np.nonzero(g[k])[0]:
            c += int(g[k, m]) * powers[m]
        coeffs.append(c)
    return fmpq_poly(coeffs)


def fisher_polynomial(g: np.ndarray):
    """Z(h = 0) as an integer polynomial Σ_m (Σ_k g[k, m]) u^m (``flint.fmpz_poly``)."""
    from flint import fmpz_poly

    return fmpz_poly([int(x) for x in g.sum(axis=0)])


def ring_polynomial(n: int, u):
    """Lee–Yang polynomial of the N-spin Ising ring: Tr T^N with the transfer
    matrix T[s, s'] = u^[s≠s'] z^[s' down] (exact ``fmpq_poly`` in z)."""
    from flint import fmpq, fmpq_poly

    if n < 2 or n > 4096:
        raise InputError(f"--size: the ring needs 2 <= N <= 4096 spins, got {n}")
    q = _as_fraction(u)
    uq = fmpq(q.numerator, q.denominator)
    one, z = fmpq_poly([1]), fmpq_poly([0, 1])
    T = [[one, fmpq_poly([0, uq])], [fmpq_poly([uq]), z]]

    def mul(A, B):
        return [[A[i][0] * B[0][j] + A[i][1] * B[1][j] for j in range(2)] for i in range(2)]

    result = [[one, fmpq_poly([0])], [fmpq_poly([0]), one]]
    base, e = T, n
    while e:
        if e & 1:
            result = mul(result, base)
        base = mul(base, base)
        e >>= 1
    return result[0][0] + result[1][1]
