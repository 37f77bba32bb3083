"""Hopfield associative memory: dynamics, retrieval and the capacity crossover."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.physics.hopfield.classical import (
    capacity_curves,
    capacity_point,
    capacity_study,
    corrupt,
    estimate_alpha_c,
    hebbian_couplings,
    hopfield_energy,
    random_patterns,
    retrieval_overlap,
    run_dynamics,
)


def test_hebbian_couplings_and_energy():
    xi = random_patterns(50, 5, 0)
    J = hebbian_couplings(xi)
    assert np.allclose(J, J.T) and np.all(np.diag(J) == 0)
    assert J[3, 7] == pytest.approx(np.dot(xi[:, 3], xi[:, 7]) / 50)
    s = random_patterns(50, 1, 1)[0]
    assert hopfield_energy(xi, s) == pytest.approx(-0.5 * s @ J @ s)


@pytest.mark.parametrize("seed", range(3))
def test_zero_t_dynamics_reaches_a_fixed_point_of_the_dense_couplings(seed):
    rng = np.random.default_rng(seed)
    xi = random_patterns(120, 30, rng)  # α = 0.25: many spurious minima
    J = hebbian_couplings(xi)
    s0 = random_patterns(120, 1, rng)[0]
    s, _, converged = run_dynamics(xi, s0, seed=rng)
    assert converged
    h = J @ s
    # every spin is aligned with (or indifferent to) its field: a true fixed point
    assert np.all(s * h >= -1e-12)
    assert hopfield_energy(xi, s) <= hopfield_energy(xi, s0)


@pytest.mark.parametrize("seed", range(3))
def test_retrieval_from_corrupted_cues_at_small_load(seed):
    rng = np.random.default_rng(seed)
    xi = random_patterns(400, 20, rng)  # α = 0.05
    for mu in range(5):
        cue = corrupt(xi[mu], 0.2, rng)
        assert retrieval_overlap(xi, cue)[mu] == pytest.approx(0.6)
        s, _, _ = run_dynamics(xi, cue, seed=rng)
        m = retrieval_overlap(xi, s)
        assert m[mu] > 0.97
        assert np.argmax(np.abs(m)) == mu


def test_finite_temperature_dynamics():
    rng = np.random.default_rng(4)
    xi = random_patterns(500, 10, rng)
    cold, _, conv = run_dynamics(xi, xi[0], temperature=0.2, max_sweeps=30, seed=rng)
    hot, _, _ = run_dynamics(xi, xi[0], temperature=3.0, max_sweeps=30, seed=rng)
    assert not conv  # finite T runs all sweeps
    # mean-field: m = tanh(m/T) gives m ≈ 1 at T = 0.2 and m = 0 above T = 1
    assert retrieval_overlap(xi, cold)[0] > 0.95
    assert abs(retrieval_overlap(xi, hot)[0]) < 0.2


def test_capacity_crossover_ordering():
    res = capacity_study(
        [200, 800], [0.05, 0.12, 0.3], trials=20, seed=0, executor="serial", progress=False
    )
    c200, c800 = res["curves"]
    for c in (c200, c800):
        assert c["p_retrieval"][0] == 1.0 and c["overlap"][0] > 0.98
        assert c["p_retrieval"][2] < 0.2 and c["overlap"][2] < c["overlap"][0] - 0.2
        assert np.all(np.diff(c["overlap"]) < 0)
    # far above α_c retrieval is rarer for the larger network (sharper crossover)
    assert c800["p_retrieval"][2] <= c200["p_retrieval"][2]
    assert c800["overlap"][2] < c200["overlap"][2]


def test_alpha_c_estimate_on_synthetic_curves():
    # P(α) logistic with α_50(N) = 0.14 + 0.9/sqrt(N): the extrapolation returns 0.14
    alphas = np.linspace(0.08, 0.3, 23)
    pts = []
    for n in (500, 1000, 2000, 4000):
        a50 = 0.14 + 0.9 / np.sqrt(n)
        for a in alphas:
            p = 1 / (1 + np.exp((a - a50) / 0.01))
            pts.append(
                {"n": n, "alpha": a, "overlap": p, "p_retrieval": p, "p_err": 0.01, "trials": 10**6}
            )
    est = estimate_alpha_c(capacity_curves(pts), exponent=0.5)
    assert est.alpha_c == pytest.approx(0.14, abs=2e-4)
    assert est.alpha_50 == pytest.approx([0.14 + 0.9 / np.sqrt(n) for n in est.sizes], abs=1e-4)
    assert all(m.startswith("logistic fit") for m in est.alpha_50_method)


def test_alpha_50_says_when_it_is_a_grid_interpolation():
    """A 3-point grid that a logistic cannot fit gives α_50 by interpolation
    with a half-step error; the estimate says which sizes that was (it did not)."""
    pts = [
        {"n": n, "alpha": a, "overlap": p, "p_retrieval": p, "p_err": 0.1, "trials": 40}
        for n in (100, 400)
        for a, p in zip((0.1, 0.15, 0.2), (1.0, 1.0, 0.0), strict=True)
    ]
    est = estimate_alpha_c(capacity_curves(pts), exponent=0.5)
    assert all(m.startswith("linear interpolation") for m in est.alpha_50_method)
    assert est.alpha_50_err == pytest.approx([0.025, 0.025])


def test_capacity_point_is_deterministic():
    """The same config gives the same point in this process (after other work
    has used the RNGs) and in a fresh one; a different seed does not, so the
    equality is not vacuous."""
    import json
    import subprocess
    import sys

    cfg = {"n": 100, "alpha": 0.15, "trials": 5, "seed": 3}
    first = capacity_point(cfg)
    np.random.seed(123)
    other = capacity_point({**cfg, "seed": 4})
    assert other["overlap"] != first["overlap"]
    assert capacity_point(dict(reversed(list(cfg.items())))) == first
    code = (
        "import json, sys\n"
        "from isingformer.physics.hopfield import capacity_point\n"
        f"print(json.dumps(capacity_point({cfg!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == json.loads(json.dumps(first))


def test_bad_input():
    with pytest.raises(InputError):
        random_patterns(1, 3)
    with pytest.raises(InputError):
        run_dynamics(random_patterns(10, 2), np.zeros(10))
    with pytest.raises(InputError):
        corrupt(np.ones(10), 1.5)
    with pytest.raises(InputError):
        capacity_study([100], [0.1], trials=1)


@pytest.mark.slow
def test_alpha_c_extrapolates_near_0138():
    res = capacity_study(
        [500, 1000, 2000],
        np.linspace(0.1, 0.22, 13),
        trials=100,
        seed=5,
        executor="serial",
        progress=False,
    )
    a50 = [x["alpha_50"] for x in res["alpha_50"]]
    assert a50[0] > a50[1] > a50[2] > 0.138  # the crossover moves down toward α_c
    assert abs(res["alpha_c"] - 0.138) < 3 * res["alpha_c_err"]


def test_capacity_figure_states_its_error_bars():
    """The P(retrieval) error bars are binomial standard errors over the trials: said."""
    from isingformer.physics.hopfield.report import capacity_figure

    curve = {"size": 100, "alpha": [0.1, 0.2], "overlap": [1.0, 0.3], "p_retrieval": [1.0, 0.2]}
    fig = capacity_figure({"trials": 40, "curves": [{**curve, "p_err": [0.02, 0.06]}]})
    assert "binomial s.e., 40 trials" in fig.axes[1].get_title()
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_capacity_curves_carry_wilson_intervals_and_the_figure_draws_them():
    """P(retrieval) had only a floored standard error (no stated level; at
    p = 0 or 1 it is the floor): each point now carries its Wilson 95 % interval."""
    from isingformer.physics.hopfield.classical import capacity_curves
    from isingformer.physics.hopfield.report import capacity_figure
    from isingformer.stats import wilson_interval

    pts = [
        {"n": 100, "alpha": a, "overlap": p, "p_retrieval": p, "p_err": 0.05, "trials": 40}
        for a, p in [(0.1, 1.0), (0.14, 0.5), (0.2, 0.0)]
    ]
    (curve,) = capacity_curves(pts)
    assert curve["p_ci"] == [list(wilson_interval(k, 40)) for k in (40, 20, 0)]
    lo, hi = curve["p_ci"][0]
    assert hi == 1.0 and 0.9 < lo < 0.92  # 40/40: [0.912, 1], not 1 ± 0.025
    fig = capacity_figure({"trials": 40, "curves": [curve]})
    assert "Wilson 95 %, 40 trials" in fig.axes[1].get_title()
    import matplotlib.pyplot as plt

    plt.close(fig)
