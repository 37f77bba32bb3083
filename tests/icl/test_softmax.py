"""The small softmax β-attention model for in-context regression."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.icl import IclTask, make_pool, sample_batch
from isingformer.icl.softmax import make_softmax_model, train_softmax


def test_softmax_model_trains_and_reports_critical_points():
    task = IclTask(2, 4, 0.5)
    rng = np.random.default_rng(0)
    pool = make_pool(task, 3, rng)
    tr = train_softmax(task, pool, rng, steps=5, batch=8, width=8, heads=2, layers=1)
    b = sample_batch(task, 7, rng, None)
    pred = tr.predict(b)
    assert pred.shape == (7,) and np.all(np.isfinite(pred))
    s = tr.summary()
    assert len(s["beta_over_critical_heads"]) == 2  # one per head
    assert np.isfinite(s["final_loss"])


def test_any_beta_policy():
    m = make_softmax_model(3, width=8, heads=2, layers=1, policy="fixed")
    assert m.attn[0].policy.name == "fixed"


@pytest.mark.slow
def test_softmax_learns_in_context_with_fresh_tasks():
    """k = ∞, d = 4, ℓ = 8, 400 steps: the OOD error is below the null error
    1 + σ² in each of 3 seeds, by more than 4 MC standard errors."""
    task = IclTask(4, 8, 0.5)
    for seed in range(3):
        rng = np.random.default_rng(seed)
        tr = train_softmax(task, None, rng, steps=400)
        b = sample_batch(task, 2000, rng, None)
        sq = (tr.predict(b) - b.yq) ** 2
        assert sq.mean() + 4 * sq.std() / np.sqrt(sq.size) < task.null_error


@pytest.mark.slow
def test_softmax_memorises_a_single_task():
    """docs/icl.md: with k = 1 (d = 8, ℓ = 16, 300 steps) the predictions on
    fresh tasks are much closer to the pool posterior than to ridge, the ID
    error is far below the OOD error, and the heads run hot (β < β*)."""
    from isingformer.icl import icl_point

    r = icl_point(
        dict(dim=8, context=16, noise=0.5, tasks=1, seed=0, model="softmax", pretrain=16.0,
             ridge=1e-4, beta=1.0, pairs=0, n_eval=1000, steps=300)
    )  # fmt: skip
    assert r["dist_to_pool"] < 0.1 * r["dist_to_ridge"]
    assert r["id_error"] < 0.5 * r["ood_error"]
    assert r["beta_over_critical"] < 1.0


def test_replicas_share_data_and_differ_only_by_initialisation():
    """Same data stream and init seed: the same model; another init seed: a
    different one (the replicas of the softmax overlap)."""
    task = IclTask(2, 4, 0.5)
    pool = make_pool(task, 3, np.random.default_rng(1))
    b = sample_batch(task, 9, np.random.default_rng(2), None)

    def fit(init):
        tr = train_softmax(
            task, pool, np.random.default_rng(7), steps=3, batch=8, width=8, layers=1,
            init_seed=init, critical=False,
        )  # fmt: skip
        assert tr.beta_over_critical == []
        return tr.predict(b)

    a = fit(11)
    assert np.array_equal(a, fit(11))
    assert not np.allclose(a, fit(12))


def test_softmax_point_reports_replica_overlap():
    from isingformer.icl import icl_point

    r = icl_point(
        dict(dim=2, context=4, noise=0.5, tasks=2, seed=0, model="softmax", pretrain=16.0,
             ridge=1e-4, beta=1.0, pairs=1, n_eval=50, steps=3)
    )  # fmt: skip
    assert -1.0 <= r["overlap"] <= 1.0
    assert sum(r["overlap_hist"]) == 1
    assert r["linear_r2"] <= 1.0
