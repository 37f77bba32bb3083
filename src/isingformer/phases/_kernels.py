"""Compiled kernel of the detector over sampling temperature: the three divergences
of every neighbour pair of grid temperatures, one fused pass (no transcendentals:
the exp and log are done vectorized by torch beforehand)."""

from __future__ import annotations

import math

from numba import njit

_LN2 = math.log(2.0)

__all__ = ["pair_divergences"]


@njit(cache=True, fastmath=True)
def pair_divergences(p, z, inv_t, lse, log_s, tv, lin, js, offset):  # pragma: no cover
    """``p [G, n, V]`` probabilities at every grid point, ``z [n, V]`` the logits,
    ``inv_t [G]`` = 1/T_g, ``lse [G, n]`` = ln Σ_v exp(z_v / T_g) (so ln p =
    z/T − lse), ``log_s [G − 2, n, V]`` = ln(p_i + p_{i+2}); writes into ``tv,
    lin, js [G − 2, N]`` (float64) at columns ``offset … offset + n`` the
    divergences between grid points i and i + 2: ½Σ|p − q|, ½Σ(p − q)²/(p + q),
    ½Σ[p ln(p/m) + q ln(q/m)] with m = (p + q)/2 (nats; terms with p = 0
    contribute 0, masked −inf logits included). Compiled with fastmath
    (vectorized; the sums are reassociated)."""
    G2, n, V = log_s.shape
    for i in range(G2):
        bi = inv_t[i]
        bj = inv_t[i + 2]
        for k in range(n):
            li = lse[i, k]
            lj = lse[i + 2, k]
            t_tv = 0.0
            t_lin = 0.0
            t_js = 0.0
            for v in range(V):
                a = p[i, k, v]
                c = p[i + 2, k, v]
                d = a - c
                s = max(a + c, 1e-38)  # both underflowed: every term is 0
                lm = max(log_s[i, k, v], -1e30) - _LN2  # ln m; ln 0 = −inf there
                la = max(z[k, v] * bi - li, -1e30)  # a masked (−inf) logit: p = 0
                lc = max(z[k, v] * bj - lj, -1e30)
                t_tv += abs(d)
                t_lin += d * d / s
                t_js += a * (la - lm) + c * (lc - lm)
            tv[i, offset + k] = 0.5 * t_tv
            lin[i, offset + k] = 0.5 * t_lin
            js[i, offset + k] = 0.5 * t_js
