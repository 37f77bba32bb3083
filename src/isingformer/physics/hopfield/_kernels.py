"""Numba kernel of the Hopfield network: asynchronous dynamics on the pattern
representation of the Hebbian couplings (spins ``int8`` ±1; randomness from
Numba's own generator, seeded at the start of each call)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["hopfield_async"]


@njit(cache=True)
def hopfield_async(xi, s, beta, max_sweeps, seed):
    """Asynchronous Hopfield dynamics with Hebbian couplings, in place.

    xi [N, P] int8 stored patterns (column μ = pattern μ), s [N] int8 state.
    Couplings J_ij = (1/N) Σ_μ ξ_iμ ξ_jμ for i ≠ j, J_ii = 0, applied through
    the overlaps M_μ = Σ_j ξ_jμ s_j, so one update costs O(P) instead of O(N):
    N h_i = Σ_μ ξ_iμ M_μ − P s_i (an exact integer).

    ``beta = inf``: zero temperature, s_i ← sign(h_i) (unchanged at h_i = 0),
    sites in a fresh random order each sweep, stopping after the first sweep
    without a flip. Finite β: heat-bath (Glauber) updates,
    P(s_i = +1) = 1 / (1 + exp(−2β h_i)), for exactly ``max_sweeps`` sweeps.
    Returns (sweeps done, converged flag).
    """
    np.random.seed(seed)
    n, p = xi.shape
    m = np.zeros(p, dtype=np.int64)
    for j in range(n):
        for mu in range(p):
            m[mu] += xi[j, mu] * s[j]
    zero_t = not np.isfinite(beta)
    sweeps = 0
    converged = False
    for _ in range(max_sweeps):
        order = np.random.permutation(n)
        flips = 0
        for k in range(n):
            i = order[k]
            hi = 0
            for mu in range(p):
                hi += xi[i, mu] * m[mu]
            hi -= p * s[i]
            if zero_t:
                if hi > 0:
                    new = 1
                elif hi < 0:
                    new = -1
                else:
                    new = s[i]
            else:
                prob = 1.0 / (1.0 + np.exp(-2.0 * beta * hi / n))
                new = 1 if np.random.random() < prob else -1
            if new != s[i]:
                flips += 1
                for mu in range(p):
                    m[mu] += 2 * new * xi[i, mu]
                s[i] = new
        sweeps += 1
        if zero_t and flips == 0:
            converged = True
            break
    return sweeps, converged
