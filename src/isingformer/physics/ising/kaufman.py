"""Exact partition function of the finite L x M square-lattice torus (h = 0).

Kaufman (1949) in the form of Ferdinand & Fisher (1969), with K = beta J:

    Z = 1/2 (2 sinh 2K)^(LM/2) (Z1 + Z2 + Z3 + Z4)
    Z1 = prod_{r=0}^{M-1} 2 cosh(L g_{2r+1} / 2)    Z2 = same with sinh
    Z3 = prod_{r=0}^{M-1} 2 cosh(L g_{2r}   / 2)    Z4 = same with sinh
    cosh g_l = cosh 2K coth 2K - cos(pi l / M),   g_l > 0 for l != 0,
    g_0 = 2K + ln tanh K   (keeps its sign: negative below T_c, which makes
                            Z4 negative there; taking |g_0| is a classic bug).

Everything is evaluated with mpmath at ``dps`` decimal digits; the energy and
specific heat are derivatives of ln Z in K taken by mpmath in extended
precision, so the float64 results are exact to the last digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from isingformer.errors import InputError


def _check(L: int, M: int) -> None:
    if int(L) < 2 or int(M) < 2:
        raise InputError(f"torus sides must be >= 2, got {L} x {M}")


def _checked(L: int, M: int | None, temperatures, J: float) -> tuple[int, np.ndarray]:
    """``M`` (default ``L``) and the temperatures ``[n_T]``, checked (J > 0, T > 0)."""
    M = L if M is None else M
    _check(L, M)
    if J <= 0:
        raise InputError(f"the Kaufman solution here needs J > 0, got {J}")
    T = np.atleast_1d(np.asarray(temperatures, dtype=np.float64))
    if T.size == 0 or np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise InputError("temperatures must be finite and > 0")
    return M, T


def torus_log_z(K, L: int, M: int | None = None, dps: int = 40):
    """ln Z of the ``L x M`` torus at coupling ``K = beta J > 0`` as an mpmath number."""
    M = L if M is None else M
    _check(L, M)
    with mpmath.workdps(dps):
        K = mpmath.mpf(K)
        if K <= 0:
            raise InputError(f"Kaufman solution needs K = J/T > 0, got {K}")
        c2, s2 = mpmath.cosh(2 * K), mpmath.sinh(2 * K)
        base = c2 * c2 / s2  # cosh 2K coth 2K
        z = [mpmath.mpf(1)] * 4
        half_l = mpmath.mpf(L) / 2
        for r in range(M):
            for pos, ell in ((0, 2 * r + 1), (2, 2 * r)):
                if ell == 0:
                    g = 2 * K + mpmath.log(mpmath.tanh(K))
                else:
                    g = mpmath.acosh(base - mpmath.cospi(mpmath.mpf(ell) / M))
                z[pos] *= 2 * mpmath.cosh(half_l * g)
                z[pos + 1] *= 2 * mpmath.sinh(half_l * g)
        total = z[0] + z[1] + z[2] + z[3]
        return mpmath.log(total / 2) + mpmath.mpf(L * M) / 2 * mpmath.log(2 * s2)


@dataclass(frozen=True)
class TorusThermodynamics:
    """Exact per-spin thermodynamics of the L x M torus, every field ``[n_T]``."""

    L: int
    M: int
    J: float
    temperatures: np.ndarray
    log_z_per_spin: np.ndarray
    free_energy_per_spin: np.ndarray
    energy_per_spin: np.ndarray
    entropy_per_spin: np.ndarray
    specific_heat_per_spin: np.ndarray


def torus_point(K, L: int, M: int | None = None, dps: int = 40) -> tuple:
    """(ln Z / N, d(ln Z/N)/dK, d^2(ln Z/N)/dK^2) at ``K`` as mpmath numbers."""
    M = L if M is None else M
    n = L * M
    with mpmath.workdps(dps):
        f = lambda k: torus_log_z(k, L, M, mpmath.mp.dps + 10) / n  # noqa: E731
        K = mpmath.mpf(K)
        return f(K), mpmath.diff(f, K, 1), mpmath.diff(f, K, 2)


def torus_thermodynamics(
    L: int, M: int | None = None, temperatures=None, J: float = 1.0, dps: int = 40
) -> TorusThermodynamics:
    """Exact ln Z/N, f, u, s and c per spin of the ``L x M`` torus at ``temperatures [n_T]``.

    J > 0 is the ferromagnetic coupling, k_B = 1, h = 0.
    """
    M, T = _checked(L, M, temperatures, J)
    out = np.empty((3, T.size))
    for i, t in enumerate(T):
        K = mpmath.mpf(J) / mpmath.mpf(t)
        lz, d1, d2 = torus_point(K, L, M, dps)
        out[0, i] = float(lz)
        out[1, i] = float(-J * d1)  # u = -d ln Z / d beta / N
        out[2, i] = float(K * K * d2)  # c = beta^2 Var(E)/N = K^2 d^2 ln Z/dK^2 / N
    logz, u, c = out
    return TorusThermodynamics(
        L=int(L),
        M=int(M),
        J=float(J),
        temperatures=T,
        log_z_per_spin=logz,
        free_energy_per_spin=-T * logz,
        energy_per_spin=u,
        entropy_per_spin=logz + u / T,
        specific_heat_per_spin=c,
    )


def exact_z_scores(chains, shape: tuple[int, int], T: float) -> np.ndarray:
    """z-scores ``[2 * n_chains]`` of Monte Carlo chains against this exact torus:
    for each ``(energies, magnetizations)`` pair of total-value series ``[n]``
    (J = 1, one per measurement, equilibrated), (estimate - exact) / error of
    the energy per spin, then of the specific heat per spin (jackknife errors
    of :func:`~isingformer.physics.ising.observables.ising_estimates`)."""
    from isingformer.physics.ising.observables import ising_estimates

    L, M = shape
    exact = torus_thermodynamics(L, M, [T])
    z = []
    for e, m in chains:
        est = ising_estimates(np.asarray(e), np.asarray(m), 1.0 / T, L * M, burn_in=0)
        ee, c = est["energy_per_spin"], est["specific_heat"]
        z.append((ee.mean - exact.energy_per_spin[0]) / ee.err)
        z.append((c.mean - exact.specific_heat_per_spin[0]) / c.err)
    return np.array(z)


def _factor_terms(h: np.ndarray, dh: np.ndarray, d2h: np.ndarray, kind: str) -> tuple:
    """ln|f|, f'/f and f''/f of ``f = 2 cosh h`` or ``2 sinh h`` (h ≠ 0 for sinh)."""
    a = np.abs(h)
    if kind == "cosh":
        log_f = a + np.log1p(np.exp(-2 * a))
        r = np.tanh(h)
    else:
        log_f = a + np.log1p(-np.exp(-2 * a))
        r = 1.0 / np.tanh(h)
    # f'/f = r h'; f''/f = h'^2 + r h'' (cosh'' = cosh, sinh'' = sinh)
    return log_f, r * dh, dh * dh + r * d2h


def torus_specific_heat(
    L: int, M: int | None = None, temperatures=None, J: float = 1.0
) -> np.ndarray:
    """Exact specific heat per spin ``[n_T]`` of the ``L x M`` torus in float64.

    The same Kaufman / Ferdinand–Fisher partition function as
    :func:`torus_thermodynamics`, with ln Z and its first two K-derivatives taken
    analytically and every product summed in logs, vectorized over
    ``temperatures``: a thousand points in well under a second (for curves);
    within 1e-10 per spin of the mpmath values for T >= 0.5 J (checked to L = 16
    by ``tests/report/test_view_ising.py``; about 1e-11 at L = 128).
    """
    M, T = _checked(L, M, temperatures, J)
    K = (J / T)[:, None]  # [n_T, 1]
    c, s = np.cosh(2 * K), np.sinh(2 * K)
    base = c * c / s
    d_base = 4 * c - 2 * c**3 / s**2
    d2_base = 8 * s - 12 * c * c / s + 8 * c**4 / s**3
    half_l = L / 2

    def generic(ells: np.ndarray, kind: str) -> tuple:
        """Sum over ``ells`` (all ≠ 0) of ln|f|, f'/f, f''/f − (f'/f)^2: ``[n_T]`` each."""
        g = np.arccosh(base - np.cos(np.pi * ells / M)[None, :])
        sh = np.sinh(g)
        dg = d_base / sh
        d2g = d2_base / sh - d_base**2 * np.cosh(g) / sh**3
        lf, r1, r2 = _factor_terms(half_l * g, half_l * dg, half_l * d2g, kind)
        return lf.sum(1), r1.sum(1), (r2 - r1 * r1).sum(1)

    odd = 2 * np.arange(M) + 1.0
    even = 2 * np.arange(1, M) + 0.0  # ell = 2r, r >= 1; ell = 0 is g_0 below
    parts = []  # (ln of a common scale, Z_i, Z_i', Z_i'' relative to that scale)
    for kind in ("cosh", "sinh"):
        a, a1, a2 = generic(odd, kind)  # Z1, Z2: products over odd ell
        parts.append((a, np.ones_like(a), a1, a2 + a1 * a1))
    k = K[:, 0]
    g0 = 2 * k + np.log(np.tanh(k))  # signed (see the module docstring)
    h0, dh0 = half_l * g0, half_l * (2 + 2 / np.sinh(2 * k))
    d2h0 = half_l * (-4 * np.cosh(2 * k) / np.sinh(2 * k) ** 2)
    scale0 = np.abs(h0) + np.log1p(np.exp(-2 * np.abs(h0)))  # ln 2cosh h0 >= ln|2 sinh h0|
    for kind in ("cosh", "sinh"):
        a, a1, a2 = generic(even, kind)  # Z3, Z4: the ell = 0 factor times the rest
        t0 = np.tanh(h0)  # 2 sinh h0 / 2 cosh h0
        f, fd = (np.ones_like(t0), t0) if kind == "cosh" else (t0, np.ones_like(t0))
        f1, f2 = fd * dh0, f * dh0 * dh0 + fd * d2h0
        p2 = a2 + a1 * a1
        parts.append((a + scale0, f, f1 + f * a1, f2 + 2 * f1 * a1 + f * p2))
    top = np.max([p[0] for p in parts], axis=0)
    z = sum(np.exp(p[0] - top) * p[1] for p in parts)
    z1 = sum(np.exp(p[0] - top) * p[2] for p in parts)
    z2 = sum(np.exp(p[0] - top) * p[3] for p in parts)
    d2_log_z = z2 / z - (z1 / z) ** 2  # of ln(Z1 + Z2 + Z3 + Z4)
    d2_log_z += (L * M / 2) * (-4 / np.sinh(2 * k) ** 2)  # of (LM/2) ln(2 sinh 2K)
    return k * k * d2_log_z / (L * M)
