"""Finite-size scaling of Monte Carlo curves measured on several lattice sizes.

Input: per size L, the Binder cumulant U_L(T) and susceptibility chi_L(T) with
errors on a common temperature grid around T_c.

Every local fit uses a window chosen from the data's own **rounding width**
ΔT_L = (2/3)/|dU_L/dT| (first pass: 5 nearest points): the points with
``|T - T0| <= c ΔT_L`` and one common ``c`` for all sizes (the largest the
grid allows for the smallest size, at most ``MAX_WINDOW``), so every size is
smoothed over the same range of the scaling variable (T - T_c) L^(1/ν) and
the smoothing bias cancels in the log-log slopes; a size whose window holds
fewer than 3 points uses its 3 nearest (a central difference).

- pair crossings T*(L_i, L_i+1) of consecutive sizes, each with its own
  bootstrap error;
- T_c: the crossings extrapolated as T*(L) = T_c + a L^(-θ), θ = 1/ν + ω
  (corrections to scaling; ``omega`` = 2 for the 2D Ising model). With two
  crossings the two-point solution; with one, that crossing (no
  extrapolation). Systematic error: the spread of T_c over ω/2 … 2ω and, with
  ≥ 3 crossings, over dropping the smallest pair; it is added in quadrature;
- ν: |dU_L/dT| at T_c grows as L^(1/ν); γ/ν: χ_L(T_c) grows as L^(γ/ν);
- rounding width ΔT_L shrinks as N^(-x), x = 1/(dν) (seed 000, section 5);

statistical errors from a parametric bootstrap (every curve resampled within
its error bars and the whole analysis repeated with the same windows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from isingformer.errors import InputError, PhysicsError

MAX_WINDOW = 0.5  # window half-width in rounding widths, at most
_FIRST_PASS = 5


@dataclass(frozen=True)
class FSSResult:
    """Finite-size scaling estimates with bootstrap errors.

    crossings: ``[n_pairs, 4]`` rows (L1, L2, T_cross, err); widths, slopes,
    chi_at_tc: ``[n_L]`` at the estimated T_c. ``tc_err`` is the total
    (statistical and systematic in quadrature); ``tc_stat_err`` and
    ``tc_syst_err`` its parts. ``window`` is the common half-width of the
    local fits in rounding widths; ``tc_method`` says how T_c was obtained.
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
    window: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _nearest(T: np.ndarray, center: float, npts: int) -> np.ndarray:
    return np.sort(np.argsort(np.abs(T - center), kind="stable")[:npts])


def _window(T: np.ndarray, center: float, half: float) -> np.ndarray:
    """Grid indices within ``half`` of ``center``; at least the 3 nearest."""
    idx = np.nonzero(np.abs(T - center) <= half * (1 + 1e-9))[0]
    return idx if idx.size >= 3 else _nearest(T, center, 3)


def _fit(T, y, err, idx, center, deg=2):
    """Weighted polynomial (degree <= len(idx) - 1) of ``y(T - center)``."""
    w = 1.0 / np.maximum(np.asarray(err, float)[idx], 1e-12)
    return np.polyfit(T[idx] - center, y[idx], min(deg, idx.size - 1), w=w)


def _slope(T, U, dU, idx, center) -> float:
    return abs(float(np.polyval(np.polyder(_fit(T, U, dU, idx, center)), 0.0)))


def _bracket(T, d) -> int | None:
    """Index k with a sign change of ``d`` between T[k] and T[k+1] (the most central)."""
    changes = np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]
    if changes.size == 0:
        return None
    return int(changes[np.argmin(np.abs(changes - (T.size - 2) / 2))])


def _pair_crossing(T, Ua, dUa, Ub, dUb, idx, center) -> float:
    """Crossing of two Binder curves from a local fit of their difference."""
    d = Ua - Ub
    p = _fit(T, d, np.hypot(dUa, dUb), idx, center)
    roots = np.roots(p) if p.size > 1 else np.array([])
    real = roots[np.abs(roots.imag) < 1e-9].real
    span = np.ptp(T[idx]) if idx.size > 1 else np.inf
    real = real[np.abs(real) <= span]
    if real.size == 0:
        return np.nan
    return float(center + real[np.argmin(np.abs(real))])


def _extrapolate(L, tstar, err, theta):
    """Weighted fit tstar = T_c + a L^-theta; returns T_c (nan if underdetermined)."""
    if L.size == 1:
        return float(tstar[0])
    X = np.column_stack([np.ones_like(L), L**-theta])
    w = 1.0 / np.maximum(err, 1e-12)
    coef = np.linalg.lstsq(X * w[:, None], tstar * w, rcond=None)[0]
    return float(coef[0])


@dataclass(frozen=True)
class _Plan:
    """Windows fixed from the measured data, reused for every resample."""

    cross_idx: list
    cross_center: list
    tc_half: np.ndarray  # per size, window half-width in temperature


def _plan(L, T, U, dU, window: float | None) -> tuple[_Plan, float, list[str]]:
    notes: list[str] = []
    d_all = [U[i] - U[i + 1] for i in range(L.size - 1)]
    ks = [_bracket(T, d) for d in d_all]
    if any(k is None for k in ks):
        raise PhysicsError(
            "the Binder cumulants do not cross inside the temperature window; "
            "widen the window around T_c or run longer"
        )
    t0 = float(np.mean([0.5 * (T[k] + T[k + 1]) for k in ks]))
    # first pass: the rounding width of every size from its 5 nearest points
    first = _nearest(T, t0, min(_FIRST_PASS, T.size))
    widths = np.array(
        [(2.0 / 3.0) / max(_slope(T, U[i], dU[i], first, t0), 1e-12) for i in range(L.size)]
    )
    reach = min(t0 - T[0], T[-1] - t0)
    c = float(min(MAX_WINDOW, reach / widths.max())) if window is None else float(window)
    if c <= 0:
        raise PhysicsError("T_c lies at the edge of the temperature grid; centre the grid on it")
    halves = c * widths
    npts = [int(np.sum(np.abs(T - t0) <= h)) for h in halves]
    if min(npts) < 3:
        notes.append(
            f"the grid is coarse for the largest size ({min(npts)} point(s) inside its "
            f"window of {c:.2f} rounding widths): a 3-point central difference is used there"
        )
    cross_idx, cross_center = [], []
    for i, k in enumerate(ks):
        center = 0.5 * (T[k] + T[k + 1])
        cross_idx.append(_window(T, center, halves[i + 1]))
        cross_center.append(center)
    return _Plan(cross_idx, cross_center, halves), c, notes


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
    window: float | None = None,
) -> FSSResult:
    """T_c, ν, γ/ν and the rounding-width exponent from curves ``[n_L, n_T]``.

    Args:
        sizes: linear sizes ``[n_L]`` (>= 2 distinct).
        temperatures: the common grid ``[n_T]`` (>= 5 points), bracketing T_c.
        binder, binder_err, chi, chi_err: curves and one-sigma errors ``[n_L, n_T]``.
        dim: lattice dimension (for the width exponent 1/(dν)).
        n_boot: parametric bootstrap resamples.
        seed: bootstrap seed.
        omega: correction-to-scaling exponent of the crossing extrapolation
            (2D Ising: 2); varied over omega/2 … 2·omega for the systematic error.
        window: local-fit half-width in rounding widths (None: chosen from the
            data, see the module docstring).
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
    if window is not None and not (np.isfinite(window) and window > 0):
        raise InputError(f"window must be > 0 rounding widths, got {window}")
    U, dU, X, dX = arrs
    if np.any(X <= 0):
        raise PhysicsError("susceptibilities must be positive")
    order = np.argsort(L)
    L, U, dU, X, dX = L[order], U[order], dU[order], X[order], dX[order]
    tord = np.argsort(T)
    T, U, dU, X, dX = T[tord], U[:, tord], dU[:, tord], X[:, tord], dX[:, tord]
    plan, c, notes = _plan(L, T, U, dU, window)
    lnL = np.log(L)

    def crossings(Uv):
        return np.array(
            [
                _pair_crossing(
                    T, Uv[i], dU[i], Uv[i + 1], dU[i + 1], plan.cross_idx[i], plan.cross_center[i]
                )
                for i in range(L.size - 1)
            ]
        )

    def exponents(Uv, Xv, tc):
        slopes = np.empty(L.size)
        chis = np.empty(L.size)
        for i in range(L.size):
            idx = _window(T, tc, plan.tc_half[i])
            slopes[i] = _slope(T, Uv[i], dU[i], idx, tc)
            pc = _fit(T, np.log(Xv[i]), dX[i] / Xv[i], idx, tc)
            chis[i] = np.exp(np.polyval(pc, 0.0))
        inv_nu = np.polyfit(lnL, np.log(np.maximum(slopes, 1e-300)), 1)[0]
        g_nu = np.polyfit(lnL, np.log(chis), 1)[0]
        widths = (2.0 / 3.0) / np.maximum(slopes, 1e-300)
        wexp = -np.polyfit(dim * lnL, np.log(widths), 1)[0]
        return 1.0 / inv_nu, g_nu, wexp, slopes, widths, chis

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
    # ν for the extrapolation exponent: from the slopes at the mean crossing
    nu0 = exponents(U, X, float(np.mean(base_cross)))[0]
    inv_nu = 1.0 / nu0 if np.isfinite(nu0) and nu0 > 0 else 1.0

    def tc_of(cr, w=omega, drop=0):
        return _extrapolate(L[drop:-1], cr[drop:], cross_err[drop:], inv_nu + w)

    tc = tc_of(base_cross)
    method = (
        "the one pair crossing (no extrapolation)"
        if L.size == 2
        else f"pair crossings extrapolated in L^-(1/nu + omega), omega = {omega:g}"
    )
    alts = [tc_of(base_cross, omega / 2), tc_of(base_cross, 2 * omega)] if L.size > 2 else []
    if L.size > 3:
        alts.append(tc_of(base_cross, drop=1))
    syst = float(max((abs(a - tc) for a in alts), default=0.0))
    boots = []
    for (Ub, Xb), good, cr in zip(samples, ok, cross_b, strict=True):
        if good:
            t = tc_of(cr)
            boots.append((t, *exponents(Ub, Xb, t)[:3]))
    b = np.array(boots)
    stat = float(b[:, 0].std(ddof=1))
    nu, g_nu, wexp, slopes, widths, chis = exponents(U, X, tc)
    return FSSResult(
        sizes=L,
        dim=int(dim),
        tc=tc,
        tc_err=float(np.hypot(stat, syst)),
        nu=float(nu),
        nu_err=float(b[:, 1].std(ddof=1)),
        gamma_over_nu=float(g_nu),
        gamma_over_nu_err=float(b[:, 2].std(ddof=1)),
        width_exponent=float(wexp),
        width_exponent_err=float(b[:, 3].std(ddof=1)),
        crossings=np.column_stack([L[:-1], L[1:], base_cross, cross_err]),
        slopes=slopes,
        widths=widths,
        chi_at_tc=chis,
        tc_stat_err=stat,
        tc_syst_err=syst,
        tc_method=method,
        omega=float(omega),
        window=c,
        notes=tuple(notes),
    )
