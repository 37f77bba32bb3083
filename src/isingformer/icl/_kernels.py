"""Compiled kernel of the linear-attention closed form: the pair features of
one block of sequences, built in a cache-resident workspace right before
their matrix product (no sums: each entry is one rounded product)."""

from __future__ import annotations

from numba import njit

__all__ = ["pair_block"]


@njit(cache=True)
def pair_block(v, lo, hi, vt, out):  # pragma: no cover
    """For the rows ``lo … hi − 1`` of ``v [n, d]`` (float64) writes
    ``out[pair(a, c), i] = v[lo + i, a] · v[lo + i, c]`` for ``a ≤ c`` in
    ``np.triu_indices`` order into ``out [d(d+1)/2, ≥ hi − lo]``, through the
    transposed scratch ``vt [d, ≥ hi − lo]`` (both of ``out``'s dtype: the
    factors are rounded to it, then multiplied in it)."""
    k = hi - lo
    d = v.shape[1]
    for i in range(k):
        for a in range(d):
            vt[a, i] = v[lo + i, a]
    j = 0
    for a in range(d):
        for c in range(a, d):
            for i in range(k):
                out[j, i] = vt[a, i] * vt[c, i]
            j += 1
