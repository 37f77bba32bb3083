"""Finite-size scaling at the default settings on synthetic curves with known
T_c, ν, γ/ν (and corrections to scaling): the method must recover them."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.errors import InputError, PhysicsError
from isingformer.physics.ising import finite_size_scaling, onsager
from isingformer.physics.ising.study import default_temperatures

TC = onsager.CRITICAL_TEMPERATURE
SIZES = [16, 32, 64]


def _synth(sizes, T, *, tc=TC, nu=1.0, gnu=1.75, b=0.0, omega=2.0, noise=0.0, seed=0):
    """Binder/χ curves of a scaling form with a correction b L^-ω; ``noise``:
    Gaussian error of U (and relative error of χ), also given as the error bar."""
    L = np.asarray(sizes, float)[:, None]
    x = (np.asarray(T)[None, :] - tc) / tc * L ** (1 / nu)
    U = 0.61 - 0.3 * np.tanh(x) + 0.02 * np.tanh(x) ** 2 + b * L**-omega * (1 + 0.5 * x)
    chi = L**gnu * np.exp(-0.2 * x**2)
    err = max(noise, 1e-5)
    rng = np.random.default_rng(seed)
    Un = U + noise * rng.standard_normal(U.shape)
    chin = chi * (1 + noise * rng.standard_normal(U.shape))
    return Un, np.full(U.shape, err), chin, err * chi


@pytest.mark.parametrize("b", [0.0, 0.3, -0.3])
def test_default_grid_recovers_nu_gamma_and_tc(b: float) -> None:
    """The old 5-point local fits returned ν = 1.17 here; the collapse must not."""
    T = default_temperatures(2, SIZES)
    r = finite_size_scaling(SIZES, T, *_synth(SIZES, T, b=b), n_boot=20)
    assert r.nu == pytest.approx(1.0, abs=0.01)
    assert r.gamma_over_nu == pytest.approx(1.75, abs=0.005)
    assert r.width_exponent == pytest.approx(0.5, abs=0.005)
    # corrections to scaling L^-2 move the raw crossings; the extrapolation removes them
    assert r.tc == pytest.approx(TC, abs=4e-4)


def test_other_exponents_are_recovered_too() -> None:
    T = default_temperatures(2, SIZES)
    r = finite_size_scaling(SIZES, T, *_synth(SIZES, T, nu=1.2, gnu=1.6), n_boot=20)
    assert r.nu == pytest.approx(1.2, abs=0.015)
    assert r.gamma_over_nu == pytest.approx(1.6, abs=0.01)


def test_noisy_curves_give_unbiased_tc_with_honest_errors() -> None:
    """12 noisy replicas: the mean T_c is within 3 standard errors of the
    truth, and the quoted error matches the scatter (ratio within 0.5-2)."""
    T = default_temperatures(2, SIZES)
    tcs, errs, nus = [], [], []
    for s in range(12):
        r = finite_size_scaling(
            SIZES, T, *_synth(SIZES, T, b=0.2, noise=0.003, seed=s), n_boot=40, seed=s
        )
        tcs.append(r.tc)
        errs.append(r.tc_err)
        nus.append(r.nu)
    tcs = np.array(tcs)
    se = tcs.std(ddof=1) / np.sqrt(tcs.size)
    assert abs(tcs.mean() - TC) < 3 * se
    assert 0.5 < np.mean(errs) / tcs.std(ddof=1) < 2.0
    assert abs(np.mean(nus) - 1.0) < 3 * np.std(nus, ddof=1) / np.sqrt(len(nus)) + 0.01


def test_two_sizes_use_the_one_crossing() -> None:
    T = default_temperatures(2, [32, 64])
    r = finite_size_scaling([32, 64], T, *_synth([32, 64], T), n_boot=20)
    assert "no extrapolation" in r.tc_method and r.crossings.shape == (1, 4)
    assert r.tc == pytest.approx(TC, abs=4e-4)


def test_bad_input() -> None:
    T = default_temperatures(2, SIZES)
    U, dU, X, dX = _synth(SIZES, T)
    with pytest.raises(InputError, match="shape"):
        finite_size_scaling(SIZES, T, U[:2], dU, X, dX)
    with pytest.raises(InputError, match="omega"):
        finite_size_scaling(SIZES, T, U, dU, X, dX, omega=0.0)
    with pytest.raises(PhysicsError, match="do not cross"):
        finite_size_scaling(SIZES, T + 1.0, *_synth(SIZES, T + 1.0), n_boot=10)
