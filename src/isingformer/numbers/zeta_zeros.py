"""Nontrivial zeros of ζ, certified on the critical line, and the count N(T).

``flint.acb.zeta_zeros`` isolates zeros of Hardy's Z function on Re s = 1/2
(sign changes, so each is a proven zero on the line). ``arb.zeta_nzeros``
counts *all* zeros with 0 < Im s < T in the strip (Turing's method); when the
two counts agree, every zero up to that height is on the critical line.
"""

from __future__ import annotations

import math

import numpy as np

from isingformer.errors import InputError

__all__ = [
    "ZEROS_MAX_COUNT",
    "backlund_bound",
    "riemann_von_mangoldt",
    "unfold_zeta",
    "zeta_zeros",
]

#: Ceiling of ``--count`` (10^4 zeros take about two minutes on one core here).
ZEROS_MAX_COUNT = 20_000


def riemann_von_mangoldt(t) -> np.ndarray:
    """Smooth zero count N̄(T) = (T/2π) ln(T/2πe) + 7/8 (shape of ``t``)."""
    t = np.asarray(t, dtype=np.float64)
    return t / (2 * np.pi) * np.log(t / (2 * np.pi * np.e)) + 7.0 / 8.0


def backlund_bound(t: float) -> float:
    """A proven bound on |N(T) − N̄(T)| for T ≥ e: |S(T)| + 1/(8πT)-type terms
    ≤ 0.112 ln T + 0.278 ln ln T + 2.510 + 0.2/T (Trudgian 2014, Thm 1,
    plus the Stirling remainder of θ(T))."""
    return 0.112 * math.log(t) + 0.278 * math.log(math.log(t)) + 2.510 + 0.2 / t


def unfold_zeta(gammas) -> np.ndarray:
    """Unfolded positions N̄(γ_n) (mean spacing 1), shape ``[K]``; every γ_n > 0
    (the first zero lies at γ_1 ≈ 14.13)."""
    g = np.asarray(gammas, dtype=np.float64)
    if not np.all(np.isfinite(g)) or np.any(g <= 0):
        raise InputError("gammas: zero heights γ_n must be finite and > 0")
    return riemann_von_mangoldt(g)


def zeta_zeros(count: int, *, prec: int = 64) -> dict:
    """The first ``count`` nontrivial zeros 1/2 + iγ_n, certified.

    Returns ``zeros`` (γ_n, floats), ``radius`` (max ball radius of γ_n),
    ``all_on_critical_line`` (the rigorous count N(T) at T midway between
    γ_K and γ_(K+1) equals K), ``n_count`` (that N(T)), ``height`` (T) and
    ``max_rvm_residual`` (max |n − N̄(γ_n) + 1/2|, compared with
    ``backlund_bound``)."""
    from flint import acb, arb, ctx

    if not isinstance(count, int) or count < 1 or count > ZEROS_MAX_COUNT:
        raise InputError(f"--count must be an integer in [1, {ZEROS_MAX_COUNT}], got {count}")
    old = ctx.prec
    ctx.prec = prec
    try:
        balls = acb.zeta_zeros(1, count + 1)
        on_line = all(float(z.real.mid()) == 0.5 and float(z.real.rad()) == 0 for z in balls)
        gam = [z.imag for z in balls]
        height = (gam[-2] + gam[-1]) / 2
        n_count = arb(height).zeta_nzeros()
        n_exact = int(float(n_count.mid())) if n_count.rad() == 0 else None
    finally:
        ctx.prec = old
    g = np.array([float(x.mid()) for x in gam[:count]])
    resid = np.abs(np.arange(1, count + 1) - 0.5 - riemann_von_mangoldt(g))
    return {
        "count": count,
        "zeros": g.tolist(),
        "radius": max(float(x.rad()) for x in gam[:count]),
        "all_on_critical_line": bool(on_line and n_exact == count),
        "n_count": n_exact,
        "height": float(height.mid()),
        "max_rvm_residual": float(resid.max()),
        "backlund_bound_at_height": backlund_bound(float(height.mid())),
    }
