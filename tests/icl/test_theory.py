"""The asymptotic theory (τ = ∞ limit of Lu et al. 2024) against exact
limits and finite-d simulations of the same model."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from isingformer.icl import (
    IclTask,
    exact_error,
    make_pool,
    marchenko_pastur_stieltjes,
    population_gamma,
    theory_ood_error,
    theory_threshold,
)
from isingformer.icl.sweep import crossing
from isingformer.icl.theory import _mp_check


@pytest.mark.parametrize("ratio", [0.25, 1.0, 3.0])
def test_stieltjes_transform_against_random_matrices(ratio):
    """m(−0.6), m′(−0.6) vs one d = 600 sample covariance (fluctuations
    O(1/d); tolerance 1 %)."""
    m, dm = marchenko_pastur_stieltjes(-0.6, ratio)
    em, edm = _mp_check(ratio, -0.6, 600, np.random.default_rng(0))
    assert em == pytest.approx(m, rel=0.01)
    assert edm == pytest.approx(dm, rel=0.01)


def test_theory_limits():
    alpha, sigma = 2.0, 0.5
    rho = (1 + sigma**2) / alpha
    # κ = ∞: Ω̃ = I, g = 1/(1 + ρ)
    assert theory_ood_error(math.inf, alpha, sigma) == pytest.approx(
        1 + sigma**2 - 1 / (1 + rho), rel=1e-12
    )
    # κ → 0: the model predicts nothing
    assert theory_ood_error(1e-7, alpha, sigma) == pytest.approx(1 + sigma**2, abs=1e-5)
    # α → ∞ (ρ → 0): e = σ² + (1 − κ)₊, the sharp memorisation transition at κ = 1
    for kappa in (0.25, 0.5, 0.9, 1.5, 4.0):
        assert theory_ood_error(kappa, 1e7, sigma) == pytest.approx(
            sigma**2 + max(0.0, 1 - kappa), abs=2e-3
        )
    es = [theory_ood_error(k, alpha, sigma) for k in (0.1, 0.3, 1, 3, 10, 100)]
    assert all(a > b for a, b in itertools.pairwise(es))


@pytest.mark.regression
def test_finite_d_simulation_matches_theory_at_d32():
    """docs/icl.md: at d = 32, α = 2, σ = 0.5 the τ = ∞ model's OOD error,
    averaged over 12 task pools, agrees with the theory within the stated
    tolerance 0.4/d (the measured finite-d bias is ≈ 0.27/d at κ = 1) plus
    3 standard errors over pools."""
    d, alpha, sigma = 32, 2.0, 0.5
    task = IclTask(d, int(alpha * d), sigma)
    rng = np.random.default_rng(0)
    for kappa in (0.5, 1.0, 2.0):
        errs = [
            exact_error(task, population_gamma(task, make_pool(task, int(kappa * d), rng)))
            for _ in range(12)
        ]
        se = np.std(errs, ddof=1) / np.sqrt(len(errs))
        assert abs(np.mean(errs) - theory_ood_error(kappa, alpha, sigma)) < 0.4 / d + 3 * se


@pytest.mark.regression
def test_finite_d_threshold_matches_theory():
    """docs/icl.md: k*/d from the midpoint rule on the τ = ∞ model at d = 32
    (mean over 6 pools at each k) is within 10 % of the theory's κ* = 0.557
    (α = 2, σ = 0.5)."""
    d, alpha, sigma = 32, 2.0, 0.5
    task = IclTask(d, int(alpha * d), sigma)
    rng = np.random.default_rng(1)
    ks = [4, 8, 12, 16, 20, 24, 32, 64]
    curve = [
        np.mean(
            [exact_error(task, population_gamma(task, make_pool(task, k, rng))) for _ in range(6)]
        )
        for k in ks
    ]
    level = 0.5 * (task.null_error + exact_error(task, population_gamma(task, None)))
    kappa_star = theory_threshold(alpha, sigma)
    assert kappa_star == pytest.approx(0.557, abs=0.001)
    assert crossing(ks, curve, level) / d == pytest.approx(kappa_star, rel=0.10)
