"""Fused Numba kernel for the uniform-β-grid sums of the ensemble core (CPU).

The torch path makes ~8 passes over a ``[rows, n]`` block per β step (update,
flush, three products, four reductions). Here each row is processed on its
own: its energies, weights and step ratios (3 x n values, a few KiB) stay in
the L1 cache, and one loop per β step updates the weights, flushes the
negligible ones and accumulates all four sums at once. Weights and the four
per-row sums are kept in the input dtype (float32 runs at float32 SIMD width,
with each sum split into per-SIMD-lane partial sums by reassociation; its
accuracy against the float64 core is tested).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["uniform_grid_sums"]


@njit(nogil=True, fastmath={"reassoc", "contract", "nsz", "arcp"}, cache=True)
def uniform_grid_sums(
    E, e_min, mask, has_mask, betas, resync, tiny, out, r0, r1
):  # pragma: no cover
    """Fill ``out[4, k, r0:r1]`` (dtype of ``E``) with Σw, Σw E', Σw E'², Σw² per β and row.

    ``E[R, n]`` energies, ``e_min[R]`` row minima over allowed states,
    ``mask[R, n]`` (uint8, 1 = allowed; read only if ``has_mask``), ``betas[k]``
    a uniform grid (same dtype as ``E``). Weights w = e^(−β E') advance by one
    multiplication per step and are recomputed exactly every ``resync`` steps;
    weights ``<= tiny`` are flushed to zero at every step (no subnormals).
    Releases the GIL, so callers run row ranges on several threads.
    """
    n = E.shape[1]
    k = betas.shape[0]
    db = betas[1] - betas[0]
    zero = E.dtype.type(0.0)
    for r in range(r0, r1):
        e = np.empty_like(E[r])
        w = np.empty_like(E[r])
        ratio = np.empty_like(E[r])
        allowed = np.ones(n, dtype=np.bool_)
        for i in range(n):
            if has_mask and mask[r, i] == 0:
                allowed[i] = False
                e[i] = zero
                ratio[i] = zero
            else:
                e[i] = E[r, i] - e_min[r]
                q = np.exp(-db * e[i])
                ratio[i] = q if q > tiny else zero
        for j in range(k):
            s0 = zero
            s1 = zero
            s2 = zero
            s3 = zero
            if j % resync == 0:
                bj = betas[j]
                for i in range(n):
                    x = np.exp(-bj * e[i]) if allowed[i] else zero
                    x = x if x > tiny else zero
                    w[i] = x
                    xe = x * e[i]
                    s0 += x
                    s1 += xe
                    s2 += xe * e[i]
                    s3 += x * x
            else:
                for i in range(n):
                    x = w[i] * ratio[i]
                    x = x if x > tiny else zero
                    w[i] = x
                    xe = x * e[i]
                    s0 += x
                    s1 += xe
                    s2 += xe * e[i]
                    s3 += x * x
            out[0, j, r] = s0
            out[1, j, r] = s1
            out[2, j, r] = s2
            out[3, j, r] = s3
