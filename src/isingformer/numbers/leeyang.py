"""Lee–Yang and Fisher zeros of finite Ising systems, certified with python-flint.

Roots of the exact polynomials of :mod:`isingformer.numbers.polynomial` come
as balls (``acb``) that are guaranteed to contain the true roots. "On the unit
circle" is certified in the only sense balls allow: every ball's modulus
interval contains 1 (it cannot be excluded). "Off the circle" is a proof: the
modulus interval excludes 1.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from isingformer.errors import InputError
from isingformer.numbers.polynomial import (
    fisher_polynomial,
    graph_table,
    lee_yang_polynomial,
    ring_polynomial,
    torus_edges,
    torus_table,
)

__all__ = [
    "U_DENOMINATOR",
    "fisher_zeros",
    "lee_yang",
    "lee_yang_point",
    "ring_zero_angles",
    "spin_glass_lee_yang",
    "theta_scaling",
]

#: u = e^(−2J/T) is replaced by the nearest fraction with denominator ≤ this
#: (an exact instance of the same model at a temperature within ~1e-9 relative).
U_DENOMINATOR = 10**9


def _u_of(temperature: float, coupling: float) -> Fraction:
    if not math.isfinite(temperature) or temperature <= 0:
        raise InputError(f"--temperature must be finite and > 0, got {temperature}")
    x = -2.0 * coupling / temperature
    if abs(x) > 40:
        raise InputError(f"--temperature: |2J/T| = {abs(x):g} is too large (keep it <= 40)")
    return Fraction(math.exp(x)).limit_denominator(U_DENOMINATOR)


def _certified_roots(poly) -> dict:
    roots = []
    for r, mult in poly.complex_roots():
        roots.extend([r] * int(mult))
    mods = [abs(r) for r in roots]
    on = [bool((m - 1).contains(0)) for m in mods]
    off = [bool(not (m - 1).contains(0)) for m in mods]
    zeros = [[float(r.real.mid()), float(r.imag.mid())] for r in roots]
    dev = max((abs(float(m.mid()) - 1.0) for m in mods), default=0.0)
    angles = [abs(math.atan2(im, re)) for re, im in zeros]
    return {
        "zeros": zeros,
        "on_unit_circle": bool(all(on)),
        "n_certified_off_circle": int(sum(off)),
        "max_abs_deviation": dev,
        "max_radius": max((float(r.rad()) for r in roots), default=0.0),
        "first_zero_angle": min(angles) if angles else None,
        "degree": poly.degree(),
    }


def lee_yang(lattice: str, size: int, temperature: float, *, coupling: float = 1.0) -> dict:
    """Lee–Yang zeros in z = e^(−2βh) of the ``ring`` (N = size spins) or the
    ``torus`` (L × L, L = size) at temperature T with coupling J (J < 0:
    antiferromagnet).

    Returns ``zeros`` ([re, im] of each root, with multiplicity), ``on_unit_circle``
    (certified: every root ball meets |z| = 1), ``n_certified_off_circle`` (balls
    proven off the circle), ``max_abs_deviation`` (max ||z| − 1| of the midpoints),
    ``first_zero_angle`` (min |arg z|), ``u`` (the exact rational used) and ``degree``.
    """
    if coupling == 0 or not math.isfinite(coupling):
        raise InputError(f"--coupling must be finite and nonzero, got {coupling}")
    u = _u_of(temperature, coupling)
    if lattice == "ring":
        poly = ring_polynomial(int(size), u)
    elif lattice == "torus":
        poly = lee_yang_polynomial(torus_table(int(size)), u)
    else:
        raise InputError(f"--lattice must be 'ring' or 'torus', got {lattice!r}")
    out = _certified_roots(poly)
    out.update(
        lattice=lattice,
        size=int(size),
        temperature=float(temperature),
        coupling=float(coupling),
        u=f"{u.numerator}/{u.denominator}",
    )
    return out


def spin_glass_lee_yang(size: int, temperature: float, seed: int = 0) -> dict:
    """Lee–Yang zeros of an L × L ±J spin glass torus (random signs, enumeration):
    the hypothesis of the theorem (J ≥ 0) fails and zeros leave |z| = 1."""
    L = int(size)
    if L < 2 or L * L > 20:
        raise InputError(f"--size: the ±J torus is enumerated; need 2 <= L <= 4, got {size}")
    rng = np.random.default_rng(seed)
    edges = torus_edges(L)
    signs = rng.choice([-1, 1], size=len(edges))
    g, _ = graph_table(L * L, edges, signs)
    u = _u_of(temperature, 1.0)
    out = _certified_roots(lee_yang_polynomial(g, u))
    out.update(size=L, temperature=float(temperature), seed=int(seed), couplings=signs.tolist())
    return out


def ring_zero_angles(n: int, u: float) -> np.ndarray:
    """Closed form for the ring: cos(θ_k/2) = √(1 − u²) cos(π(2k+1)/(2N)),
    k = 0..N−1 (transfer-matrix eigenvalues; 0 < u < 1). Returns sorted θ_k in (0, 2π)."""
    k = np.arange(n)
    half = np.arccos(math.sqrt(1 - u * u) * np.cos(np.pi * (2 * k + 1) / (2 * n)))
    return np.sort(2 * half)


def fisher_zeros(size: int) -> dict:
    """Fisher zeros of the L × L torus at h = 0 in the complex u = e^(−2βJ) plane
    (certified roots of the integer polynomial). Also the zero closest to the
    critical point u_c = √2 − 1 and its distance."""
    poly = fisher_polynomial(torus_table(int(size)))
    roots = []
    for r, mult in poly.complex_roots():
        roots.extend([r] * int(mult))
    zeros = [[float(r.real.mid()), float(r.imag.mid())] for r in roots]
    uc = math.sqrt(2) - 1
    dist = [math.hypot(re - uc, im) for re, im in zeros]
    i = int(np.argmin(dist))
    return {
        "size": int(size),
        "zeros": zeros,
        "closest_to_uc": zeros[i],
        "distance_to_uc": dist[i],
        "max_radius": max(float(r.rad()) for r in roots),
    }


def lee_yang_point(config: dict) -> dict:
    """One point of the ``numbers.theta`` sweep: :func:`lee_yang` of
    ``config = {"lattice", "size", "temperature", "coupling"}`` (top-level, picklable)."""
    return lee_yang(
        config["lattice"],
        int(config["size"]),
        float(config["temperature"]),
        coupling=float(config.get("coupling", 1.0)),
    )


def theta_scaling(sizes, temperature: float | None = None, *, store=None) -> dict:
    """First Lee–Yang angle θ_1(L) of L × L tori at T (default T_c) and the
    fitted exponent: θ_1 ∝ L^(−y_h), y_h = 15/8 at T_c.

    Two fits are reported: the plain power law on the largest three sizes, and
    ln θ = a − y ln L + b/L² on all sizes ≥ 3 (analytic correction); ``y_h`` is
    the corrected fit with its least-squares standard error, and ``y_h_spread``
    the difference between the two fits (a systematic error, stated separately).
    Each size is one point of the ``numbers.theta`` sweep in ``store``
    (re-runs skip stored points).
    """
    sizes = sorted({int(s) for s in sizes})
    if len(sizes) < 4:
        raise InputError("--sizes: the θ_1 fit needs at least 4 sizes")
    T = 2.0 / math.log(1 + math.sqrt(2)) if temperature is None else float(temperature)
    from isingformer.runs import run_sweep

    configs = [{"lattice": "torus", "size": L, "temperature": T, "coupling": 1.0} for L in sizes]
    points = run_sweep(
        lee_yang_point,
        configs,
        sweep="numbers.theta",  # the command's name (docs/cli.md)
        store=store,
        executor="serial",
        progress=False,
    )
    thetas = [p["first_zero_angle"] for p in points]
    lnL, lnT = np.log(sizes), np.log(thetas)
    plain = -np.polyfit(lnL[-3:], lnT[-3:], 1)[0]
    use = np.array(sizes) >= 3
    X = np.column_stack([np.ones(use.sum()), -lnL[use], 1.0 / np.array(sizes)[use] ** 2])
    coef, res, *_ = np.linalg.lstsq(X, lnT[use], rcond=None)
    dof = int(use.sum()) - 3
    sigma2 = float(res[0]) / dof if dof > 0 and res.size else float("nan")
    cov = sigma2 * np.linalg.inv(X.T @ X)
    return {
        "sizes": sizes,
        "temperature": T,
        "first_zero_angles": thetas,
        "local_slopes": (-np.diff(lnT) / np.diff(lnL)).tolist(),
        "y_h": float(coef[1]),
        "y_h_stderr": float(math.sqrt(cov[1, 1])) if dof > 0 else None,
        "y_h_plain_last3": float(plain),
        "y_h_spread": float(abs(coef[1] - plain)),
        "y_h_exact": 15 / 8,
        "fit_dof": dof,
        "fit_n": int(use.sum()),
        "y_h_method": (
            "least squares of ln θ₁ = a − y_h ln L + b/L² over the sizes L >= 3 (fit_n); "
            "y_h_stderr from the residuals (fit_dof degrees of freedom, None at 0); "
            "y_h_spread: difference to the plain power law on the last 3 sizes (systematic)"
        ),
    }
