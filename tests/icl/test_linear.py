"""The linear-attention model: closed form, gradient descent, exact errors,
the population (τ = ∞) minimiser and the Gibbs measure over weights."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.icl import (
    IclTask,
    context_summary,
    exact_error,
    fit_closed_form,
    fit_gradient_descent,
    gibbs_overlaps,
    gibbs_samples,
    linear_predict,
    make_pool,
    normal_equations,
    population_gamma,
    sample_batch,
)


def _train(d=4, ell=6, k=5, n=400, seed=0):
    task = IclTask(d, ell, 0.5)
    rng = np.random.default_rng(seed)
    pool = make_pool(task, k, rng)
    return task, pool, sample_batch(task, n, rng, pool), rng


@pytest.mark.parametrize(("d", "ell", "n"), [(1, 1, 1), (3, 5, 3), (3, 5, 37), (16, 32, 64)])
def test_context_summary_is_the_mean_of_y_x(d, ell, n):
    """Every row, including the n mod 4 remainder of the four-stream kernel."""
    task = IclTask(d, ell, 0.5)
    rng = np.random.default_rng(d)
    batch = sample_batch(task, n, rng, make_pool(task, 4, rng))
    direct = np.einsum("nl,nld->nd", batch.y, batch.x) / ell
    assert np.abs(context_summary(batch) - direct).max() <= 1e-14 * np.abs(direct).max()


def test_closed_form_agrees_with_gradient_descent():
    _, _, batch, _ = _train()
    g_cf = fit_closed_form(batch, 1e-3)
    g_gd, steps = fit_gradient_descent(batch, 1e-3)
    assert steps < 100_000
    assert np.abs(g_cf - g_gd).max() < 1e-4


@pytest.mark.parametrize(
    ("d", "k", "n", "ridge"),
    [(16, 16, 4096, 1e-4), (8, 4, 1024, 1e-4), (8, None, 64, 0.0), (4, 3, 200, 0.0)],
)
def test_mixed_precision_solve_equals_the_float64_solve(d, k, n, ridge):
    """float32 normal matrix + float64 refinement through the data = the
    float64 Cholesky solve (relative 1e-10; measured 1e-13–1e-12, also in the
    ill-conditioned n = d², λ = 0 case, κ ≈ 5e6, where the float64 solve
    itself is only good to κ·eps ≈ 1e-9)."""
    from isingformer.icl.linear import _float64_solve, _refined_solve, context_summary

    task = IclTask(d, 2 * d, 0.5)
    rng = np.random.default_rng(d + n)
    batch = sample_batch(task, n, rng, None if k is None else make_pool(task, k, rng))
    g32 = _refined_solve(batch, context_summary(batch), ridge)
    assert g32 is not None  # the float32 path is taken, no silent fallback
    g64 = _float64_solve(batch, ridge)
    assert np.abs(g32 - g64).max() <= 1e-10 * np.abs(g64).max()
    assert np.abs(fit_closed_form(batch, ridge) - g64).max() <= 1e-10 * np.abs(g64).max()


def test_mixed_precision_falls_back_to_float64_when_ill_conditioned():
    """Two query coordinates equal up to 1e-5 make the features x_0 h and x_1 h
    nearly collinear, κ(A) ~ 1e11 > 1/eps32: float32 cannot refine it, and
    fit_closed_form returns the float64 solve."""
    from dataclasses import replace

    from isingformer.icl.linear import _float64_solve, _refined_solve, context_summary

    _, _, batch, rng = _train(n=400, seed=6)
    xq = batch.xq.copy()
    xq[:, 1] = xq[:, 0] + 1e-5 * rng.standard_normal(400)
    bad = replace(batch, xq=xq)
    assert np.linalg.cond(normal_equations(bad)[0]) > 1e9
    assert _refined_solve(bad, context_summary(bad), 0.0) is None
    np.testing.assert_array_equal(fit_closed_form(bad, 0.0), _float64_solve(bad, 0.0))


def test_closed_form_is_a_stationary_point():
    _, _, batch, _ = _train(seed=1)
    g = fit_closed_form(batch, 0.01)
    a, b = normal_equations(batch)
    grad = 2 * (a @ g.reshape(-1) - b) + 2 * 0.01 * g.reshape(-1)
    assert np.abs(grad).max() < 1e-10
    # and the normal equations describe the model's own predictions
    resid = batch.yq - linear_predict(g, batch)
    assert np.mean(resid**2) == pytest.approx(
        np.mean(batch.yq**2) - 2 * b @ g.reshape(-1) + g.reshape(-1) @ a @ g.reshape(-1)
    )


@pytest.mark.parametrize("fresh", [False, True])
def test_exact_error_matches_monte_carlo(fresh):
    """The fourth-moment formula of the exact error against 40000 sequences
    (agreement within 4 standard errors)."""
    task, pool, batch, rng = _train(d=5, ell=7, seed=2)
    g = fit_closed_form(batch, 1e-3)
    ev = sample_batch(task, 40000, rng, None if fresh else pool)
    sq = (linear_predict(g, ev) - ev.yq) ** 2
    exact = exact_error(task, g, None if fresh else pool)
    assert abs(sq.mean() - exact) < 4 * sq.std() / np.sqrt(sq.size)


def test_population_minimiser_is_optimal_and_is_the_large_n_limit():
    task, pool, _, rng = _train(d=4, ell=6, k=3, seed=3)
    g_pop = population_gamma(task, pool)
    e_pop = exact_error(task, g_pop, pool)
    gaps = []
    for n in (200, 20000):
        g = fit_closed_form(sample_batch(task, n, rng, pool), 0.0)
        gaps.append(exact_error(task, g, pool) - e_pop)
    assert min(gaps) >= -1e-12  # Γ_pop minimises the in-distribution error
    assert gaps[1] < gaps[0] / 10  # excess error ~ 1/n: 100x more data, > 10x smaller


def test_gibbs_samples_have_the_gaussian_moments():
    """Mean = minimiser, covariance = (β n (A + λ))⁻¹, from 20000 samples."""
    _, _, batch, rng = _train(d=2, ell=4, k=2, n=50, seed=4)
    g = fit_closed_form(batch, 1e-3)
    s = gibbs_samples(batch, g, beta=2.0, ridge=1e-3, count=20000, rng=rng).reshape(20000, -1)
    a, _ = normal_equations(batch)
    cov = np.linalg.inv(2.0 * 50 * (a + 1e-3 * np.eye(4)))
    sd = np.sqrt(np.diag(cov))
    assert np.all(np.abs(s.mean(0) - g.reshape(-1)) < 4 * sd / np.sqrt(20000))
    emp = np.cov(s.T)
    assert np.abs(emp - cov).max() < 0.05 * np.abs(cov).max()


def test_overlap_rises_with_beta_and_with_task_diversity():
    task = IclTask(6, 12, 0.5)
    rng = np.random.default_rng(5)
    qs = {}
    for k in (1, 64):
        pool = make_pool(task, k, rng)
        batch = sample_batch(task, 16 * 36, rng, pool)
        g = fit_closed_form(batch, 1e-4)
        for beta in (1.0, 100.0):
            q = gibbs_overlaps(batch, g, beta=beta, ridge=1e-4, pairs=100, rng=rng)
            assert np.all(np.abs(q) <= 1 + 1e-12)
            qs[k, beta] = q.mean()
    assert qs[1, 100.0] > qs[1, 1.0] and qs[64, 100.0] > qs[64, 1.0]
    assert qs[64, 1.0] > qs[1, 1.0]


def test_effective_gamma_recovers_a_linear_predictor_and_overlap_is_scale_free():
    from isingformer.icl import effective_gamma, replica_overlap

    _, _, batch, rng = _train(n=600, seed=3)
    gamma = rng.standard_normal((4, 4))
    got = effective_gamma(batch, linear_predict(gamma, batch), ridge=0.0)
    assert np.abs(got - gamma).max() < 1e-8
    assert replica_overlap(gamma, 2.5 * gamma) == pytest.approx(1.0, abs=1e-12)
    assert replica_overlap(gamma, -gamma) == pytest.approx(-1.0, abs=1e-12)
    other = rng.standard_normal((4, 4))
    assert abs(replica_overlap(gamma, other)) < 1.0


@pytest.mark.regression
def test_docs_benchmark_agreement_d16():
    """docs/icl.md (speed): at d = 16, ℓ = 32, k = 16, n = 4096 (the
    benchmark's data) GD stops after 186 steps at gradient < 1e-9 with
    max |Γ_cf − Γ_gd| = 1.7e-8; stopped at gradient < 1e-6 (102 steps) it is
    still within 1e-4, at 1e-5 it is not. κ(A + λ) ≈ 13, and the mixed-
    precision closed form equals the all-float64 solve to ~1e-13 relative."""
    from isingformer.icl.linear import _float64_solve

    d = 16
    task = IclTask(d, 2 * d, 0.5)
    rng = np.random.default_rng(0)
    pool = make_pool(task, d, rng)
    batch = sample_batch(task, 16 * d * d, rng, pool)
    g_cf = fit_closed_form(batch, 1e-4)
    g64 = _float64_solve(batch, 1e-4)
    assert np.abs(g_cf - g64).max() <= 1e-12 * np.abs(g64).max()
    ev = np.linalg.eigvalsh(normal_equations(batch)[0] + 1e-4 * np.eye(d * d))
    assert 12.5 <= ev[-1] / ev[0] <= 13.5
    g_gd, steps = fit_gradient_descent(batch, 1e-4)
    assert abs(steps - 186) <= 2
    assert np.abs(g_cf - g_gd).max() == pytest.approx(1.7e-8, abs=0.05e-8)
    g6, steps6 = fit_gradient_descent(batch, 1e-4, tol=1e-6)
    assert abs(steps6 - 102) <= 2 and np.abs(g_cf - g6).max() <= 1e-4
    g5, _ = fit_gradient_descent(batch, 1e-4, tol=1e-5)
    assert np.abs(g_cf - g5).max() > 1e-4
