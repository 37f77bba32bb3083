"""Property tests (Hypothesis) of the statements of Thermodynamics.v on
``isingformer.ensemble.thermodynamics``."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from isingformer.ensemble import thermodynamics

energies = st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=10)
betas = st.floats(0.05, 5, allow_nan=False)
SETTINGS = settings(max_examples=60, deadline=None)
H = 1e-4  # central-difference step; error O(H² · |third derivative|) ≤ 1e-5 here


def _thermo(es: list[float], bs: list[float]):
    return thermodynamics(torch.tensor(es, dtype=torch.float64), bs)


@SETTINGS
@given(energies, betas)
def test_derivatives_of_log_z(es: list[float], beta: float) -> None:
    """dlogZ_dbeta, d2logZ_dbeta2: d lnZ/dβ = -U and dU/dβ = -Var(E)."""
    t = _thermo(es, [beta - H, beta, beta + H])
    dlogz = (t.log_z[2] - t.log_z[0]).item() / (2 * H)
    du = (t.energy[2] - t.energy[0]).item() / (2 * H)
    scale = 1 + max(abs(e) for e in es) ** 3
    assert dlogz == pytest.approx(-t.energy[1].item(), abs=1e-6 * scale)
    assert -du == pytest.approx(t.var_energy[1].item(), abs=1e-5 * scale)


@SETTINGS
@given(energies, betas)
def test_variance_heat_capacity_and_free_energy(es: list[float], beta: float) -> None:
    """variance_nonneg, logZ_convex, heat_capacity_nonneg, free_energy_le_energy."""
    t = _thermo(es, [beta])
    tol = 1e-12 * (1 + max(abs(e) for e in es)) ** 2
    assert t.var_energy[0].item() >= -tol
    assert t.heat_capacity[0].item() == pytest.approx(beta**2 * t.var_energy[0].item(), abs=tol)
    assert t.heat_capacity[0].item() >= -tol
    assert t.free_energy[0].item() <= t.energy[0].item() + 1e-9


@SETTINGS
@given(energies, st.floats(0, 5, allow_nan=False))
def test_entropy_identity_and_bounds(es: list[float], beta: float) -> None:
    """entropy_identity, entropy_nonneg, entropy_le_log_states."""
    t = _thermo(es, [beta])
    s = t.entropy[0].item()
    assert s == pytest.approx(beta * t.energy[0].item() + t.log_z[0].item(), abs=1e-9)
    assert -1e-12 <= s <= math.log(len(es)) + 1e-12


@SETTINGS
@given(energies)
def test_uniform_at_infinite_temperature(es: list[float]) -> None:
    """entropy_at_infinite_temperature: at β = 0, S = ln N and every weight is 1/N."""
    t = _thermo(es, [0.0])
    assert t.entropy[0].item() == pytest.approx(math.log(len(es)), abs=1e-12)
    assert t.max_weight[0].item() == pytest.approx(1 / len(es), abs=1e-15)


@SETTINGS
@given(st.lists(st.integers(-5, 5), min_size=2, max_size=10), st.floats(0.05, 5))
def test_entropy_below_log_n_away_from_uniform(es: list[int], beta: float) -> None:
    """entropy_max_only_if_uniform: with β > 0 and two different energies,
    S < ln N (by at least the KL divergence to uniform, which is > 0)."""
    t = _thermo([float(e) for e in es], [beta])
    gap = math.log(len(es)) - t.entropy[0].item()
    if len(set(es)) > 1:
        assert gap > 0
    else:
        assert gap == pytest.approx(0.0, abs=1e-12)
