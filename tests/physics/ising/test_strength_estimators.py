"""Mutation-strength tests of the Monte Carlo estimators on series whose
answers are known exactly (fixed moments, white noise, an Ornstein–Zernike
structure factor)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from isingformer.physics.ising import ising_estimates, tau_int

N_SPINS = 100
BETA = 0.4


def _series(m_abs: tuple[float, ...], repeats: int = 64):
    """Energy (random) and magnetization totals cycling through ``±m_abs``."""
    m = np.tile(np.array(m_abs), repeats) * N_SPINS
    m[1::2] *= -1.0  # the sign must not matter: the estimators use |M|
    e = np.random.default_rng(0).normal(-150.0, 5.0, m.size)
    return e, m


def test_binder_and_susceptibility_of_exact_moments():
    """|m| alternating 0.2, 0.6: ⟨m²⟩ = 0.2, ⟨m⁴⟩ = 0.0656, ⟨|m|⟩ = 0.4, so
    U = 1 − ⟨m⁴⟩/(3⟨m²⟩²) = 0.45333… and χ = βN(⟨m²⟩ − ⟨|m|⟩²) = 0.04 βN."""
    e, m = _series((0.2, 0.6))
    est = ising_estimates(e, m, BETA, N_SPINS, burn_in=0)
    assert est["binder"].mean == pytest.approx(1.0 - 0.0656 / (3 * 0.2**2), rel=1e-12)
    assert est["susceptibility"].mean == pytest.approx(0.04 * BETA * N_SPINS, rel=1e-9)
    assert est["abs_magnetization"].mean == pytest.approx(0.4, rel=1e-12)


def test_binder_limits():
    """A sharp |m| (ordered phase) gives U = 2/3 exactly."""
    e, m = _series((0.7, 0.7))
    assert ising_estimates(e, m, BETA, N_SPINS, burn_in=0)["binder"].mean == pytest.approx(2 / 3)


@pytest.mark.parametrize("L, xi", [(8, 1.5), (16, 4.0)])
def test_second_moment_correlation_length_of_ornstein_zernike(L, xi):
    """For a lattice Ornstein–Zernike structure factor S(k) = A/(k̂² + ξ⁻²),
    k̂ = 2 sin(k/2), the second-moment estimator sqrt(S(0)/S(k_min) − 1)/k̂
    at k_min = 2π/L returns ξ exactly."""
    kmin = 2 * math.pi / L
    khat2 = (2 * math.sin(kmin / 2)) ** 2
    s0 = 50.0  # = M²/N at every measurement
    sk = s0 / xi**2 / (khat2 + xi**-2)
    m = np.full(64, math.sqrt(s0 * N_SPINS))
    e = np.random.default_rng(1).normal(-150.0, 5.0, m.size)
    est = ising_estimates(
        e, m, BETA, N_SPINS, structure_factor=np.full(64, sk), wavevector=kmin, burn_in=0
    )
    assert est["correlation_length"].mean == pytest.approx(xi, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tau_int_of_white_noise_is_one_half(seed):
    """Independent values: τ_int = 1/2 + Σρ(t) = 1/2 (the estimate's window
    sum has standard deviation ~sqrt(3/T) = 0.005 at T = 10⁵)."""
    x = np.random.default_rng(seed).normal(size=100_000)
    assert abs(tau_int(x) - 0.5) < 0.03


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tau_int_of_ar1(seed):
    """AR(1) with φ = 0.8: τ_int = (1 + φ)/(2(1 − φ)) = 4.5 exactly; the
    windowed estimate over T = 2·10⁵ has standard deviation ~0.1."""
    rng = np.random.default_rng(seed)
    phi, T = 0.8, 200_000
    noise = rng.normal(size=T)
    x = np.empty(T)
    x[0] = noise[0] / math.sqrt(1 - phi * phi)  # stationary start
    for t in range(1, T):
        x[t] = phi * x[t - 1] + noise[t]
    assert abs(tau_int(x) - 4.5) < 0.35
