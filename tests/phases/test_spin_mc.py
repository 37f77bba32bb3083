"""Monte Carlo and TAP solutions of the layered spin model against exact answers:
the Curie–Weiss / Mattis model (mean field exact at large N) and the closed-form
spin-glass T_c of random identical layers."""

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.phases.spin_mc import (
    critical_weights,
    hidden_order_direction,
    spin_mc,
    susceptibility_tc,
    tap_solve,
    tc_tap_iteration,
)


def _mattis(n: int, j0: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``J = (J0/N)(ξξᵀ − I)``: a ferromagnet in disguise, T_c = J0, ordered along ξ."""
    xi = np.random.default_rng(seed).choice([-1, 1], n)
    J = j0 / n * np.outer(xi, xi)
    np.fill_diagonal(J, 0.0)
    return J, xi


def _mean_field_m(t: float, j0: float) -> float:
    m = 1.0
    for _ in range(10_000):
        m = math.tanh(j0 * m / t)
    return m


def test_critical_weights_of_identical_layers_are_the_path_mode():
    for L in (1, 2, 4):
        u = critical_weights([30] * (L + 1), [1 / 30] * L)
        v = np.sin(np.pi * np.arange(1, L + 2) / (L + 2))
        np.testing.assert_allclose(u, v / v.sum(), rtol=1e-10)


def test_tap_on_the_mattis_model_is_mean_field():
    J, xi = _mattis(200, 1.5, 0)
    m, ok = tap_solve(J, 1.0)
    assert ok and abs(abs(np.mean(m * xi)) - _mean_field_m(1.0, 1.5)) < 0.01
    from isingformer.phases.spin import tc_tap

    t_eig = tc_tap(J)[0]  # J0(1 − 1/N) less the Onsager shift: 1.485 at N = 200
    assert t_eig == pytest.approx(1.5, rel=0.015)
    r = tc_tap_iteration(J, np.geomspace(0.5, 3.0, 12))
    # the iteration finds order a little below: m grows slowly just under T_c
    assert 0.97 * t_eig < r["value"] <= t_eig, (r["value"], t_eig)
    assert abs(int(hidden_order_direction(J, 1.0) @ xi)) == xi.size  # the pattern, up to sign


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_monte_carlo_magnetization_of_the_mattis_model(seed):
    n, j0 = 200, 1.0
    J, xi = _mattis(n, j0, seed)
    temps = np.geomspace(0.4, 2.0, 12)
    r = spin_mc(J, temps, t_overlap=0.5, sweeps=300, seeds=(seed,), xi=xi)
    m = np.asarray(r["magnetization"])
    cold = temps < 0.75  # deep in the ordered phase: mean field to O(N^-1/2)
    mf = np.array([_mean_field_m(t, j0) for t in temps[cold]])
    assert np.all(np.abs(m[cold] - mf) < 0.03), (m[cold], mf)
    assert np.all(m[temps > 1.6] < 0.15)  # paramagnet: O(N^-1/2)
    # the susceptibility peaks in the finite-size window of T_c = J0
    assert 0.8 < r["tc"]["value"] < 1.25
    q = r["overlap"]  # at T = 0.5: two peaks at ±m², nothing near 0
    centers = 0.5 * (np.asarray(q["edges"][1:]) + np.asarray(q["edges"][:-1]))
    assert np.sum(np.asarray(q["density"])[np.abs(centers) < 0.5]) == 0


@pytest.mark.regression
def test_monte_carlo_tc_of_random_layers_agrees_with_the_closed_form():
    """docs/phases.md: two random identical coupling layers (L = 2, C = 1: T_c =
    2^(1/4) = 1.1892), widths 32 and 64, 24 disorder samples each, seed 0: the
    susceptibility extrapolation gives 0.972 T_c ± 0.025 (bootstrap sd), within
    2 sd of the closed form."""
    r = susceptibility_tc((32, 64), 2, 1.0, samples=24, sweeps=600, seed=0)
    tc = r["closed_form"]
    assert tc == pytest.approx(2**0.25)
    assert abs(r["value"] - tc) <= 2 * r["err"], r
    assert r["value"] / tc == pytest.approx(0.972, abs=0.005)
    assert r["err"] / tc == pytest.approx(0.025, abs=0.004)
    for w in r["per_width"].values():  # 1/chi = 1 - beta^2/beta_c^2: intercept 1
        assert w["intercept"] == pytest.approx(1.0, abs=0.05)


def test_bad_input():
    with pytest.raises(InputError):
        susceptibility_tc(samples=4)
    with pytest.raises(InputError):
        spin_mc(np.zeros((3, 3)), [1.0, 2.0], t_overlap=1.0)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "ratio", "err"), [(1, 1.015, 0.020), (2, 1.045, 0.035), (3, 1.012, 0.031)]
)
def test_monte_carlo_tc_other_seeds(seed, ratio, err):
    """docs/phases.md: seeds 1-3 of the same run, T_c / closed form ± bootstrap sd;
    over seeds 0-3: 1.011, Student-t 95 % interval 0.963-1.058 (n = 4)."""
    r = susceptibility_tc((32, 64), 2, 1.0, samples=24, sweeps=600, seed=seed)
    tc = r["closed_form"]
    assert abs(r["value"] - tc) <= 2 * r["err"], r
    assert r["value"] / tc == pytest.approx(ratio, abs=0.005)
    assert r["err"] / tc == pytest.approx(err, abs=0.004)
