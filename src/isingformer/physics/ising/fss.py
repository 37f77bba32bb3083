"""Finite-size scaling of Monte Carlo curves measured on several lattice sizes.

Input: per size L, the Binder cumulant U_L(T) and susceptibility chi_L(T) with
errors on a common temperature grid around T_c. Windows come from the data's
own **rounding width** ΔT_L = (2/3)/|dU_L/dT| (first pass: 5 nearest points),
not from a fixed number of grid points.

- pair crossings T*(L_i, L_i+1) of consecutive sizes: root of a local cubic
  fit of U_Li − U_Li+1 on the points within ``CROSS_WINDOW`` rounding widths
  of the larger size (at least 5), each with its own bootstrap error;
- T_c: the crossings extrapolated as T*(L) = T_c + a L^(-θ), θ = 1/ν + ω
  (corrections to scaling; ``omega`` = 2 for the 2D Ising model). With two
  crossings the two-point solution; with one, that crossing (no
  extrapolation). Systematic error: the spread of T_c over ω/2 … 2ω and, with
  ≥ 3 crossings, over dropping the smallest pair; added in quadrature;
- ν and γ/ν: a scaling collapse at that T_c, U_L(T) = P((T − T_c) L^(1/ν)) and
  ln χ_L(T) = (γ/ν) ln L + Q((T − T_c) L^(1/ν)) with polynomials P (degree 5)
  and Q (degree 4), over the points within ``COLLAPSE_WINDOW`` rounding widths
  of T_c. A shared scaling function has no size-dependent smoothing bias (the
  local-slope method it replaces returned ν = 1.17 on exact ν = 1 data);
- the rounding width ΔT_L ∝ L^(−1/ν) = N^(−1/(dν)) (seed 000, section 5) is
  reported from the collapse: its exponent is 1/(dν) by construction, not an
  independent check;

statistical errors from a parametric bootstrap (every curve resampled within
its error bars and the whole analysis repeated with the same windows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from isingformer.errors import InputError, PhysicsError
from isingformer.validate import check_int

CROSS_WINDOW = 0.25  # crossing fits: half-width in rounding widths of the larger size
COLLAPSE_WINDOW = 0.5  # collapse fits: half-width in rounding widths of each size
_FIRST_PASS = 5
_P_DEG, _Q_DEG = 5, 4


@dataclass(frozen=True)
class FSSResult:
    """Finite-size scaling estimates with bootstrap errors.

    crossings: ``[n_pairs, 4]`` rows (L1, L2, T_cross, err); widths, slopes,
    chi_at_tc: ``[n_L]`` at the estimated T_c. ``tc_err`` is the total
    (statistical and systematic in quadrature), ``tc_stat_err`` and
    ``tc_syst_err`` its parts; ``tc_method`` says how T_c was obtained.
    """

    sizes: np.ndarray
    dim: int
    tc: float
    tc_err: float
    nu: float
    nu_err: float
    gamma_over_nu: float
    gamma_over_nu_err: float
    width_exponent: float
    width_exponent_err: float
    crossings: np.ndarray
    slopes: np.ndarray
    widths: np.ndarray
    chi_at_tc: np.ndarray
    tc_stat_err: float = 0.0
    tc_syst_err: float = 0.0
    tc_method: str = ""
    omega: float = 2.0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _nearest(T: np.ndarray, center: float, npts: int) -> np.ndarray:
    return np.sort(np.argsort(np.abs(T - center), kind="stable")[:npts])


def _fit(T, y, err, idx, center, deg):
    """Weighted polynomial (degree <= len(idx) - 2) of ``y(T - center)``."""
    w = 1.0 / np.maximum(np.asarray(err, float)[idx], 1e-12)
    return np.polyfit(T[idx] - center, y[idx], max(1, min(deg, idx.size - 2)), w=w)


def _bracket(T, d) -> int | None:
    """Index k with a sign change of ``d`` between T[k] and T[k+1] (the most central)."""
    changes = np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]
    if changes.size == 0:
        return None
    return int(changes[np.argmin(np.abs(changes - (T.size - 2) / 2))])


def _pair_crossing(T, d, dd, idx, center) -> float:
    """Root nearest ``center`` of a local cubic fit of the difference ``d``."""
    p = _fit(T, d, dd, idx, center, 3)
    roots = np.roots(p)
    real = roots[np.abs(roots.imag) < 1e-9].real
    real = real[np.abs(real) <= np.ptp(T[idx])]
    if real.size == 0:
        return np.nan
    return float(center + real[np.argmin(np.abs(real))])


def _extrapolate(L, tstar, err, theta) -> float:
    """Weighted fit tstar = T_c + a L^-theta (two points: exact; one: itself)."""
    if L.size == 1:
        return float(tstar[0])
    X = np.column_stack([np.ones_like(L), L**-theta])
    w = 1.0 / np.maximum(err, 1e-12)
    return float(np.linalg.lstsq(X * w[:, None], tstar * w, rcond=None)[0][0])


def _design(x, deg):
    return np.vander(x, deg + 1, increasing=True)


def _collapse_nu(T, L, U, dU, tc, masks) -> tuple[float, np.ndarray]:
    """ν and the coefficients of P minimizing the weighted collapse residual."""
    from scipy.optimize import minimize_scalar

    Ts = np.concatenate([T[m] for m in masks])
    Ls = np.concatenate([np.full(m.sum(), li) for m, li in zip(masks, L, strict=True)])
    y = np.concatenate([u[m] for u, m in zip(U, masks, strict=True)])
    w = 1.0 / np.maximum(np.concatenate([e[m] for e, m in zip(dU, masks, strict=True)]), 1e-12)

    def solve(inv_nu):
        A = _design((Ts - tc) * Ls**inv_nu, _P_DEG) * w[:, None]
        coef, *_ = np.linalg.lstsq(A, y * w, rcond=None)
        return float(np.sum((A @ coef - y * w) ** 2)), coef

    best = minimize_scalar(
        lambda v: solve(v)[0], bounds=(0.1, 5.0), method="bounded", options={"xatol": 1e-7}
    )
    return 1.0 / float(best.x), solve(float(best.x))[1]


def _collapse_chi(T, L, X, dX, tc, inv_nu, masks) -> tuple[float, float]:
    """γ/ν and Q(0) from ln χ_L = (γ/ν) ln L + Q(x) (linear least squares)."""
    rows, y, w = [], [], []
    for li, xv, ev, m in zip(L, X, dX, masks, strict=True):
        x = (T[m] - tc) * li**inv_nu
        rows.append(np.column_stack([np.full(x.size, np.log(li)), _design(x, _Q_DEG)]))
        y.append(np.log(xv[m]))
        w.append(xv[m] / np.maximum(ev[m], 1e-300))
    A, yv, wv = np.vstack(rows), np.concatenate(y), np.concatenate(w)
    coef, *_ = np.linalg.lstsq(A * wv[:, None], yv * wv, rcond=None)
    return float(coef[0]), float(coef[1])


def finite_size_scaling(
    sizes,
    temperatures,
    binder,
    binder_err,
    chi,
    chi_err,
    dim: int = 2,
    n_boot: int = 200,
    seed: int = 0,
    omega: float = 2.0,
) -> FSSResult:
    """T_c, ν, γ/ν and the rounding-width exponent from curves ``[n_L, n_T]``.

    Args:
        sizes: linear sizes ``[n_L]`` (>= 2 distinct).
        temperatures: the common grid ``[n_T]`` (>= 5 points), bracketing T_c.
        binder, binder_err, chi, chi_err: curves and one-sigma errors ``[n_L, n_T]``.
        dim: lattice dimension (for the width exponent 1/(dν)).
        n_boot: parametric bootstrap resamples (>= 10: the error needs at
            least 10 resamples with finite crossings).
        seed: bootstrap seed.
        omega: correction-to-scaling exponent of the crossing extrapolation
            (2D Ising: 2); varied over omega/2 … 2·omega for the systematic error.
    """
    L = np.asarray(sizes, dtype=np.float64)
    T = np.asarray(temperatures, dtype=np.float64)
    arrs = [np.asarray(a, dtype=np.float64) for a in (binder, binder_err, chi, chi_err)]
    if any(a.shape != (L.size, T.size) for a in arrs):
        raise InputError("binder, chi and their errors must have shape [n_sizes, n_temperatures]")
    if L.size < 2 or T.size < 5:
        raise InputError("need >= 2 sizes and >= 5 temperatures")
    if np.unique(L).size != L.size:
        raise InputError("sizes must be distinct")
    if not (np.isfinite(omega) and omega > 0):
        raise InputError(f"omega must be > 0, got {omega}")
    check_int(n_boot, "n_boot", ge=10)
    U, dU, X, dX = arrs
    if np.any(X <= 0):
        raise PhysicsError("susceptibilities must be positive")
    order, tord = np.argsort(L), np.argsort(T)
    L, T = L[order], T[tord]
    U, dU, X, dX = (a[order][:, tord] for a in (U, dU, X, dX))
    notes: list[str] = []

    # windows, fixed once from the measured curves
    ks = [_bracket(T, U[i] - U[i + 1]) for i in range(L.size - 1)]
    if any(k is None for k in ks):
        raise PhysicsError(
            "the Binder cumulants do not cross inside the temperature window; "
            "widen the window around T_c or run longer"
        )
    centers = [0.5 * (T[k] + T[k + 1]) for k in ks]
    t0 = float(np.mean(centers))
    first = _nearest(T, t0, min(_FIRST_PASS, T.size))
    widths0 = np.array(
        [
            (2.0 / 3.0)
            / max(abs(np.polyval(np.polyder(_fit(T, U[i], dU[i], first, t0, 2)), 0.0)), 1e-12)
            for i in range(L.size)
        ]
    )
    cross_idx = []
    for i, c in enumerate(centers):
        idx = np.nonzero(np.abs(T - c) <= CROSS_WINDOW * widths0[i + 1])[0]
        cross_idx.append(idx if idx.size >= 5 else _nearest(T, c, 5))
    masks = [np.abs(T - t0) <= COLLAPSE_WINDOW * w for w in widths0]
    for i, m in enumerate(masks):
        if m.sum() < 3:
            masks[i] = np.zeros(T.size, bool)
            masks[i][_nearest(T, t0, 3)] = True
            notes.append(f"L = {L[i]:g}: fewer than 3 grid points within one rounding width")
    if np.sum([m.sum() for m in masks]) < _P_DEG + 3:
        raise PhysicsError("too few points near T_c for the scaling collapse; refine the grid")

    def crossings(Uv):
        return np.array(
            [
                _pair_crossing(T, Uv[i] - Uv[i + 1], np.hypot(dU[i], dU[i + 1]), cross_idx[i], c)
                for i, c in enumerate(centers)
            ]
        )

    def resample(rng):
        Ub = U + dU * rng.standard_normal(U.shape)
        Xb = np.maximum(X + dX * rng.standard_normal(X.shape), 1e-12)
        return Ub, Xb

    base_cross = crossings(U)
    if not np.all(np.isfinite(base_cross)):
        raise PhysicsError(
            "a Binder crossing falls outside its fit window; widen the grid around T_c"
        )
    rng = np.random.default_rng(seed)
    samples = [resample(rng) for _ in range(n_boot)]
    cross_b = np.array([crossings(Ub) for Ub, _ in samples])
    ok = np.all(np.isfinite(cross_b), axis=1)
    if ok.sum() < max(10, n_boot // 4):
        raise PhysicsError("the Binder crossing is not stable under the error bars; run longer")
    cross_err = np.maximum(cross_b[ok].std(axis=0, ddof=1), 1e-12)
    nu0 = _collapse_nu(T, L, U, dU, float(np.mean(base_cross)), masks)[0]
    inv_nu = 1.0 / nu0 if np.isfinite(nu0) and nu0 > 0 else 1.0

    def tc_of(cr, w=omega, drop=0):
        return _extrapolate(L[drop:-1], cr[drop:], cross_err[drop:], inv_nu + w)

    def exponents(Uv, Xv, tc):
        nu, coef = _collapse_nu(T, L, Uv, dU, tc, masks)
        g_nu, q0 = _collapse_chi(T, L, Xv, dX, tc, 1.0 / nu, masks)
        slopes = abs(coef[1]) * L ** (1.0 / nu)
        return nu, g_nu, slopes, np.exp(g_nu * np.log(L) + q0)

    tc = tc_of(base_cross)
    if L.size == 2:
        method = (
            "the one pair crossing (no extrapolation): tc_err is statistical only and omits "
            "the crossing's finite-size shift (it covered the exact T_c in 88 % of 111 "
            "replicate runs at L = 8, 16; use >= 3 sizes)"
        )
    else:
        method = f"pair crossings extrapolated in L^-(1/nu + omega), omega = {omega:g}"
    alts = [tc_of(base_cross, omega / 2), tc_of(base_cross, 2 * omega)] if L.size > 2 else []
    if L.size > 3:
        alts.append(tc_of(base_cross, drop=1))
    syst = float(max((abs(a - tc) for a in alts), default=0.0))
    boots = []
    for (Ub, Xb), good, cr in zip(samples, ok, cross_b, strict=True):
        if good:
            t = tc_of(cr)
            boots.append((t, *exponents(Ub, Xb, t)[:2]))
    b = np.array(boots)
    stat = float(b[:, 0].std(ddof=1))
    nu, g_nu, slopes, chis = exponents(U, X, tc)
    return FSSResult(
        sizes=L,
        dim=int(dim),
        tc=tc,
        tc_err=float(np.hypot(stat, syst)),
        nu=float(nu),
        nu_err=float(b[:, 1].std(ddof=1)),
        gamma_over_nu=float(g_nu),
        gamma_over_nu_err=float(b[:, 2].std(ddof=1)),
        width_exponent=float(1.0 / (dim * nu)),
        width_exponent_err=float(b[:, 1].std(ddof=1) / (dim * nu**2)),
        crossings=np.column_stack([L[:-1], L[1:], base_cross, cross_err]),
        slopes=slopes,
        widths=(2.0 / 3.0) / slopes,
        chi_at_tc=chis,
        tc_stat_err=stat,
        tc_syst_err=syst,
        tc_method=method,
        omega=float(omega),
        notes=tuple(notes),
    )
