"""The task generator and the two exact Bayes baselines."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.icl import (
    IclTask,
    make_pool,
    pool_posterior_predict,
    ridge_predict,
    sample_batch,
)


@pytest.mark.parametrize(
    "kwargs",
    [{"dim": 0, "context": 4}, {"dim": 4, "context": 0}, {"dim": 4, "context": 4, "noise": 0.0}],
)
def test_bad_task_is_input_error(kwargs):
    with pytest.raises(InputError):
        IclTask(**kwargs)


def test_batch_shapes_and_pool_tasks():
    task = IclTask(5, 7, 0.3)
    rng = np.random.default_rng(0)
    pool = make_pool(task, 3, rng)
    b = sample_batch(task, 11, rng, pool)
    assert b.x.shape == (11, 7, 5) and b.y.shape == (11, 7)
    assert b.xq.shape == (11, 5) and b.yq.shape == (11,)
    # every sequence's task is one of the pool's
    assert all(np.any(np.all(np.isclose(w, pool), axis=1)) for w in b.w)


def test_ridge_is_the_gaussian_posterior_mean():
    """Against the posterior mean written from scratch for each sequence."""
    task = IclTask(4, 6, 0.4)
    rng = np.random.default_rng(1)
    b = sample_batch(task, 5, rng, None)
    got = ridge_predict(task, b)
    for i in range(5):
        prior_prec = task.dim * np.eye(task.dim)  # prior N(0, I/d)
        post_prec = prior_prec + b.x[i].T @ b.x[i] / task.noise**2
        mean = np.linalg.solve(post_prec, b.x[i].T @ b.y[i] / task.noise**2)
        assert got[i] == pytest.approx(b.xq[i] @ mean, rel=1e-10)


def test_ridge_error_equals_exact_bayes_risk():
    """MC error of the ridge predictor on fresh tasks = E[x_qᵀ Σ_post x_q] + σ²
    = E[tr Σ_post] + σ² (exact per sequence); agreement within 4 standard errors."""
    task = IclTask(6, 8, 0.5)
    rng = np.random.default_rng(2)
    b = sample_batch(task, 20000, rng, None)
    sq = (ridge_predict(task, b) - b.yq) ** 2
    gram = np.einsum("nld,nle->nde", b.x, b.x)
    post_cov = task.noise**2 * np.linalg.inv(gram + task.noise**2 * task.dim * np.eye(task.dim))
    risk = np.mean(np.trace(post_cov, axis1=1, axis2=2)) + task.noise**2
    se = sq.std() / np.sqrt(sq.size)
    assert abs(sq.mean() - risk) < 4 * se


def test_pool_posterior_single_task_is_exact():
    task = IclTask(3, 4, 0.2)
    rng = np.random.default_rng(3)
    pool = make_pool(task, 1, rng)
    b = sample_batch(task, 7, rng, pool)
    np.testing.assert_allclose(pool_posterior_predict(task, b, pool), b.xq @ pool[0])


def test_pool_posterior_weights_against_direct_formula():
    task = IclTask(3, 5, 0.7)
    rng = np.random.default_rng(4)
    pool = make_pool(task, 6, rng)
    b = sample_batch(task, 9, rng, pool)
    got = pool_posterior_predict(task, b, pool)
    for i in range(9):
        logp = np.array([-np.sum((b.y[i] - b.x[i] @ w) ** 2) / (2 * task.noise**2) for w in pool])
        p = np.exp(logp - logp.max())
        p /= p.sum()
        assert got[i] == pytest.approx(b.xq[i] @ (p @ pool), rel=1e-9)


def test_each_baseline_wins_on_its_own_prior():
    """On pool tasks the pool posterior beats ridge; on fresh tasks ridge beats
    the pool posterior (both Bayes-optimal for their prior), paired MC over
    4000 sequences, margin 4 standard errors of the paired difference."""
    task = IclTask(8, 8, 0.5)
    rng = np.random.default_rng(5)
    pool = make_pool(task, 4, rng)
    for tasks, better, worse in ((pool, "pool", "ridge"), (None, "ridge", "pool")):
        b = sample_batch(task, 4000, rng, tasks)
        err = {
            "pool": (pool_posterior_predict(task, b, pool) - b.yq) ** 2,
            "ridge": (ridge_predict(task, b) - b.yq) ** 2,
        }
        diff = err[worse] - err[better]
        assert diff.mean() > 4 * diff.std() / np.sqrt(diff.size)
