"""Mutation-strength test of the FSS error propagation (delta method)."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.physics.ising import finite_size_scaling, onsager
from isingformer.physics.ising.study import default_temperatures


def test_width_exponent_error_is_the_delta_method_of_nu():
    """w = 1/(dν), so σ_w = σ_ν/(dν²) (d = 2; noisy scaling curves with ν = 1.2)."""
    sizes, tc, nu, err = [16, 32, 64], onsager.CRITICAL_TEMPERATURE, 1.2, 2e-3
    T = default_temperatures(2, sizes)
    x = (T[None, :] - tc) / tc * np.asarray(sizes, float)[:, None] ** (1 / nu)
    noise = np.random.default_rng(4).standard_normal((2, *x.shape)) * err
    U, chi = 0.61 - 0.3 * np.tanh(x) + noise[0], np.exp(-0.2 * x**2) * (1 + noise[1])
    chi = chi * np.asarray(sizes, float)[:, None] ** 1.75
    r = finite_size_scaling(sizes, T, U, np.full(x.shape, err), chi, err * chi, n_boot=20)
    assert r.nu == pytest.approx(nu, abs=0.05) and r.nu_err > 0
    assert r.width_exponent == pytest.approx(1 / (2 * r.nu), rel=1e-12)
    assert r.width_exponent_err == pytest.approx(r.nu_err / (2 * r.nu**2), rel=1e-9)
