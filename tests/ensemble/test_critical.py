"""Critical-point finder and finite-size fits."""

import math

import numpy as np
import pytest
import torch

from isingformer.ensemble import (
    entropy_slope_peak,
    fit_finite_size,
    heat_capacity_peak,
    order_parameter_onset,
    parabolic_peak,
    thermodynamics,
)
from isingformer.errors import InputError


def test_two_level_schottky_peak_is_exact():
    """Two levels split by Δ: C = (βΔ)² e^{βΔ}/(1+e^{βΔ})², peak at βΔ = 2.3994 (x = 2 coth(x/2)... )."""
    delta = 1.5
    E = torch.tensor([[0.0, delta]] * 4, dtype=torch.float64)
    cp = heat_capacity_peak(E, np.linspace(0.1, 4, 40), n_boot=20)
    # the Schottky peak solves x tanh(x/2) = 2
    from scipy.optimize import brentq

    x = brentq(lambda x: x * math.tanh(x / 2) - 2, 1, 4)
    assert cp.beta == pytest.approx(x / delta, rel=1e-5)
    c_exact = x**2 * math.exp(x) / (1 + math.exp(x)) ** 2
    assert cp.value == pytest.approx(c_exact, rel=1e-8)
    assert cp.beta_err == pytest.approx(0.0, abs=1e-12)  # identical rows: no spread
    assert not cp.at_edge


def test_peak_at_grid_edge_is_flagged():
    E = torch.tensor([[0.0, 1.0]], dtype=torch.float64)
    cp = heat_capacity_peak(E, np.linspace(0.1, 1.0, 10), n_boot=0)
    assert cp.at_edge and cp.beta == pytest.approx(1.0)


def test_bootstrap_error_shrinks_with_rows():
    gen = torch.Generator().manual_seed(0)
    small = -torch.randn(50, 64, generator=gen, dtype=torch.float64)
    large = -torch.randn(800, 64, generator=gen, dtype=torch.float64)
    grid = np.linspace(0.5, 4, 60)
    e_small = heat_capacity_peak(small, grid, n_boot=100).beta_err
    e_large = heat_capacity_peak(large, grid, n_boot=100).beta_err
    assert e_large < e_small  # ~ 1/sqrt(rows): expect about 4x smaller
    assert e_large < 0.6 * e_small


def test_entropy_slope_equals_max_of_c_over_beta():
    E = -torch.randn(100, 32, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    grid = np.linspace(0.2, 4, 200)
    sp = entropy_slope_peak(E, grid, n_boot=10)
    th = thermodynamics(E, grid).mean()
    i = int(np.argmax(th.heat_capacity.numpy() / grid))
    assert abs(sp.beta - grid[i]) <= grid[1] - grid[0]


def test_order_parameter_onset_two_level():
    # two levels split by Δ: max weight = 1/(1+e^{-βΔ}) reaches 0.9 at βΔ = ln 9
    E = torch.tensor([[0.0, 2.0]] * 3, dtype=torch.float64)
    onset = order_parameter_onset(E, np.linspace(0.01, 3, 3000), threshold=0.9, n_boot=5)
    assert onset.beta == pytest.approx(math.log(9) / 2, abs=1e-3)


def test_grid_validation():
    with pytest.raises(InputError):
        heat_capacity_peak(torch.zeros(2, 3), [1.0, 2.0])
    with pytest.raises(InputError):
        heat_capacity_peak(torch.zeros(2, 3), [1.0, 3.0, 2.0])


def test_parabolic_peak_exact_for_parabola():
    x = np.linspace(0, 2, 11)
    y = -((x - 0.73) ** 2) + 4
    xv, yv, edge = parabolic_peak(x, y)
    assert xv == pytest.approx(0.73) and yv == pytest.approx(4.0) and not edge


@pytest.mark.parametrize("form", ["power", "log"])
def test_fit_recovers_known_law(form):
    n = np.array([8, 16, 32, 64, 128, 256], dtype=float)
    x = n if form == "power" else np.log(n)
    y = 2.5 - 1.3 * x ** (-0.8)
    rng = np.random.default_rng(0)
    err = np.full_like(y, 1e-3)
    fit = fit_finite_size(n, y + rng.normal(0, 1e-3, len(n)), err, form=form)
    assert abs(fit.y_inf - 2.5) < 4 * fit.y_inf_err + 1e-9
    assert fit.y_inf_err < 0.05
    assert fit.exponent == pytest.approx(0.8, abs=0.15)


def test_powerlaw_fit():
    n = np.array([16, 32, 64, 128.0])
    fit = fit_finite_size(n, 0.7 * n**1.75, form="powerlaw")
    assert fit.exponent == pytest.approx(1.75, rel=1e-6) and math.isnan(fit.y_inf)


def test_fit_validation():
    with pytest.raises(InputError):
        fit_finite_size([8, 16], [1.0, 2.0], form="power")
    with pytest.raises(InputError):
        fit_finite_size([8, 16, 32], [1, 2, 3], form="nope")


@pytest.mark.parametrize("finder", [heat_capacity_peak, entropy_slope_peak, order_parameter_onset])
def test_no_bootstrap_error_bar_below_three_rows(finder):
    """An error bar over 2 rows is no interval (stats rule: below n = 3, values
    only): the errors are NaN; from 3 rows on they are finite."""
    rng = np.random.default_rng(0)
    b = np.linspace(0.1, 6, 40)
    two = finder(torch.as_tensor(rng.normal(size=(2, 16))), b, n_boot=50)
    assert math.isnan(two.beta_err) and two.n_rows == 2
    if finder is not order_parameter_onset:  # the onset's value is the threshold, exact
        assert math.isnan(two.value_err)
    three = finder(torch.as_tensor(rng.normal(size=(3, 16))), b, n_boot=50)
    assert math.isfinite(three.beta_err) and three.n_rows == 3


def test_fit_refuses_nan_values_and_negative_errors():
    """NaN values raised scipy's ValueError (an unnamed error on the CLI) and a
    negative error silently turned the fit unweighted."""
    sizes, vals = [8, 16, 32, 64], [1.0, 1.5, 1.75, 1.875]
    with pytest.raises(InputError, match="finite values"):
        fit_finite_size(sizes, [1.0, math.nan, 1.75, 1.875], [0.1] * 4)
    with pytest.raises(InputError, match="errors must be >= 0"):
        fit_finite_size(sizes, vals, [0.1, -0.1, 0.1, 0.1])
    unweighted = fit_finite_size(sizes, vals, [0.1, math.nan, 0.1, 0.1], exponent=1.0)
    assert math.isnan(unweighted.chi2_per_dof) and unweighted.y_inf == pytest.approx(2.0)
