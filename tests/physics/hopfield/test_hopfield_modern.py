"""Modern Hopfield networks: the update is attention; regimes and separation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from isingformer.errors import InputError
from isingformer.physics.hopfield.modern import (
    attention_step,
    classify_weights,
    clustered_patterns,
    fixed_point,
    hopfield_update,
    modern_study,
    regime_scan,
    separation,
    separation_beta,
)


def test_update_is_one_attention_step():
    X = clustered_patterns(16, 10, 3, seed=1)
    xi = torch.randn(7, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    a = hopfield_update(X, xi, 2.5)
    b = attention_step(X, xi, 2.5)
    # an explicit softmax-weighted sum as the slow reference
    logits = 2.5 * xi.numpy() @ X
    w = np.exp(logits - logits.max(1, keepdims=True))
    w /= w.sum(1, keepdims=True)
    assert torch.allclose(a, b, atol=1e-12)
    assert np.allclose(a.numpy(), w @ X.T, atol=1e-12)


def test_small_beta_gives_the_global_average():
    X = clustered_patterns(32, 20, 4, seed=2)
    start = torch.as_tensor(X.T + 0.3, dtype=torch.float64)
    xi, w, _, done = fixed_point(X, start, 1e-3)
    assert bool(done.all())
    assert np.allclose(xi.numpy(), X.mean(axis=1)[None, :], atol=1e-3)
    assert classify_weights(w) == ["global"] * 20


def test_large_beta_retrieves_every_pattern():
    X = clustered_patterns(32, 20, 20, seed=3)  # unclustered
    xi, w, _, _ = fixed_point(X, X.T, 500.0)
    assert np.allclose(xi.numpy(), X.T, atol=1e-6)
    assert classify_weights(w) == ["retrieval"] * 20


def test_separation_condition_guarantees_a_nearby_fixed_point():
    X = clustered_patterns(24, 12, 3, spread=0.6, seed=4)
    P = X.shape[1]
    M = np.max(np.linalg.norm(X, axis=0))
    bsep = separation_beta(X)
    delta = separation(X)
    assert np.all(delta > 0) and np.all(np.isfinite(bsep))
    for i in range(P):
        b = bsep[i] * 1.01
        # the theorem's condition holds at this β ...
        assert delta[i] >= 2 / (b * P) + np.log(2 * (P - 1) * P * b * M**2) / b
        # ... and the fixed point from x_i lies within 1/(βPM) of x_i
        xi, _, _, done = fixed_point(X, X[:, i][None, :], b)
        assert bool(done.all())
        assert np.linalg.norm(xi.numpy()[0] - X[:, i]) <= 1 / (b * P * M)


def test_three_regimes_in_order():
    X = clustered_patterns(64, 32, 4, spread=0.5, seed=0)
    scan = regime_scan(X, np.geomspace(0.1, 1000, 25))
    names = [r["regime"] for r in scan.regimes]
    assert names == ["global", "metastable", "retrieval"]
    # the metastable fixed points are the 4 cluster averages
    meta = [k for k, r in enumerate(scan.regime) if r == "metastable"]
    assert 4 in scan.n_fixed_points[meta].tolist()
    # retrieval is observed no later than the sufficient separation bound
    assert scan.retrieval_beta <= np.median(scan.separation_beta)
    # ensemble-core curves: entropy falls from ln P to 0; e^S is the effective count
    assert scan.entropy[0] == pytest.approx(np.log(32), abs=1e-3)
    assert scan.entropy[-1] < 1e-3
    assert np.allclose(scan.effective_states, np.exp(scan.entropy), rtol=0.2)


def test_modern_study_and_bad_input():
    r = modern_study(d=16, n_patterns=8, n_clusters=2, betas=np.geomspace(0.1, 300, 12))
    assert r["regimes"][0]["regime"] == "global" and r["regimes"][-1]["regime"] == "retrieval"
    with pytest.raises(InputError):
        clustered_patterns(n_clusters=0)
    with pytest.raises(InputError):
        hopfield_update(np.ones((4, 1)), np.ones(4), 1.0)
    with pytest.raises(InputError):
        fixed_point(np.ones((4, 3)), np.ones(4), -1.0)


@pytest.mark.regression
def test_docs_modern_regimes_of_the_default_run():
    """docs/glass.md, ``hopfield modern`` defaults (d = 64, P = 32, 4 clusters,
    41 β from 0.1 to 1000, seed 0): global to β = 3.2 (one fixed point),
    metastable 4-25 with the 4 cluster averages (e^S ≈ 8) up to β ≈ 16, which
    break up at 20-25 (5, then 30 fixed points, e^S 6.8 → 1.8); retrieval from
    β ≈ 32; Ramsauer's separation bound 58-100 (median 77). Deterministic."""
    r = modern_study(seed=0)
    spans = [(x["regime"], round(x["beta_min"], 2), round(x["beta_max"], 2)) for x in r["regimes"]]
    assert spans == [("global", 0.1, 3.16), ("metastable", 3.98, 25.12), ("retrieval", 31.62, 1000)]
    by_beta = dict(zip(np.round(r["betas"], 2), r["n_fixed_points"], strict=True))
    counts = [1, 4, 4, 4, 5, 30, 32]
    assert [by_beta[b] for b in (3.16, 3.98, 10.0, 15.85, 19.95, 25.12, 31.62)] == counts
    e_s = dict(zip(np.round(r["betas"], 2), r["effective_states"], strict=True))
    assert 7.4 < e_s[15.85] < 8.7 and 6.7 < e_s[19.95] < 6.9 and 1.7 < e_s[25.12] < 1.9
    sep = r["separation_beta"]
    assert (round(sep["min"]), round(sep["median"]), round(sep["max"])) == (58, 77, 100)
