"""Onsager's solution of the infinite square lattice (J = 1 unless given, k_B = 1, h = 0).

    T_c = 2 / ln(1 + sqrt 2),   k = 2 sinh 2K / cosh^2 2K,
    -beta f = ln(2 cosh 2K) + (1/pi) int_0^{pi/2} ln[(1 + sqrt(1 - k^2 sin^2 t)) / 2] dt,
    u = -J coth 2K [1 + (2/pi)(2 tanh^2 2K - 1) K(k)],
    c = -K^2 du/dK (taken analytically through the elliptic integral),
    m = (1 - sinh^-4 2K)^(1/8) for T < T_c (Yang 1952), else 0.

K(k), E(k) are complete elliptic integrals of modulus k (scipy takes m = k^2).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, special

from isingformer.errors import InputError

CRITICAL_TEMPERATURE = 2.0 / math.log1p(math.sqrt(2.0))
CRITICAL_COUPLING = 0.5 * math.log1p(math.sqrt(2.0))
CUBIC_CRITICAL_COUPLING = 0.2216546  # 3D simple cubic, Monte Carlo literature
CUBIC_CRITICAL_TEMPERATURE = 1.0 / CUBIC_CRITICAL_COUPLING
EXPONENTS_2D = {"nu": 1.0, "gamma": 1.75, "beta": 0.125, "eta": 0.25, "alpha": 0.0}
BINDER_CROSSING_2D = 0.6107


def _couplings(temperatures, J: float) -> np.ndarray:
    T = np.atleast_1d(np.asarray(temperatures, dtype=np.float64))
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise InputError("temperatures must be finite and > 0")
    if J <= 0:
        raise InputError(f"Onsager's solution here needs J > 0, got {J}")
    return J / T


def critical_temperature(J: float = 1.0) -> float:
    """T_c = 2J / ln(1 + sqrt 2) = 2.269185314213022 J."""
    return J * CRITICAL_TEMPERATURE


def free_energy(temperatures, J: float = 1.0) -> np.ndarray:
    """Free energy per spin f(T) ``[n_T]`` of the infinite lattice."""
    K = _couplings(temperatures, J)
    out = np.empty_like(K)
    for i, k_ in enumerate(K):
        k = 2 * math.sinh(2 * k_) / math.cosh(2 * k_) ** 2

        def integrand(t: float, k: float = k) -> float:
            return math.log(0.5 * (1 + math.sqrt(max(0.0, 1 - (k * math.sin(t)) ** 2))))

        val, _ = integrate.quad(integrand, 0, math.pi / 2, epsabs=1e-14, epsrel=1e-13, limit=200)
        out[i] = -(math.log(2 * math.cosh(2 * k_)) + val / math.pi) / k_ * J
    return out


def log_z_per_spin(temperatures, J: float = 1.0) -> np.ndarray:
    """ln Z / N ``[n_T]`` of the infinite lattice."""
    T = np.atleast_1d(np.asarray(temperatures, dtype=np.float64))
    return -free_energy(T, J) / T


def energy(temperatures, J: float = 1.0) -> np.ndarray:
    """Internal energy per spin u(T) ``[n_T]`` (u(T_c) = -sqrt 2 J)."""
    K = _couplings(temperatures, J)
    t2 = np.tanh(2 * K) ** 2
    k = 2 * np.sinh(2 * K) / np.cosh(2 * K) ** 2
    m = np.minimum(k * k, 1.0)
    kk = np.where(m < 1.0, special.ellipk(np.where(m < 1.0, m, 0.0)), 0.0)
    # at T_c the elliptic K diverges but its prefactor (2 t2 - 1) vanishes: limit -sqrt 2
    return -J / np.tanh(2 * K) * (1 + 2 / np.pi * (2 * t2 - 1) * kk)


def specific_heat(temperatures, J: float = 1.0) -> np.ndarray:
    """Specific heat per spin c(T) = -K^2 du/dK ``[n_T]`` (log divergence; +inf at T_c).

    Computed as the exact K-derivative of :func:`energy` (chain rule through
    k(K) with dK(k)/dk = E/(k(1-k^2)) - K/k).
    """
    K = _couplings(temperatures, J)
    t = np.tanh(2 * K)
    ch = np.cosh(2 * K)
    k = 2 * np.sinh(2 * K) / ch**2
    m = k * k
    with np.errstate(divide="ignore", invalid="ignore"):
        kk, ee = special.ellipk(m), special.ellipe(m)
        dkk_dk = ee / (k * (1 - m)) - kk / k
        dk_dK = 4 / ch - 8 * np.sinh(2 * K) ** 2 / ch**3
        bracket = 1 + 2 / np.pi * (2 * t * t - 1) * kk
        dbracket = 2 / np.pi * (8 * t * (1 - t * t) * kk + (2 * t * t - 1) * dkk_dk * dk_dK)
        du_dK = 2 / np.sinh(2 * K) ** 2 * bracket - dbracket / t  # u/J = -bracket / t
        c = -(K**2) * du_dK
    return np.where(m >= 1.0, np.inf, c)


def spontaneous_magnetization(temperatures, J: float = 1.0) -> np.ndarray:
    """Yang's spontaneous magnetization ``[n_T]``: (1 - sinh^-4 2K)^(1/8) below T_c, 0 above."""
    K = _couplings(temperatures, J)
    x = 1.0 - np.sinh(2 * K) ** -4.0
    return np.where(x > 0, np.abs(x) ** 0.125, 0.0)
