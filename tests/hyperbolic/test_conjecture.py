"""The conjecture experiment: the fit recovers known exponents, the verdict
rules, the argmin refinement, and a tiny end-to-end run through the store."""

from __future__ import annotations

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.hyperbolic.conjecture import (
    _argmin_log,
    fit_scaling,
    run_conjecture,
    verdict,
)


def _grid():
    ks = [-0.1, -0.3, -1.0, -3.0, -10.0]
    lams = [1.9, 2.5, 3.7, 6.2]
    return [(k, lam) for k in ks for lam in lams]


@pytest.mark.parametrize("p, q", [(1.0, 1.0), (0.0, 0.5), (2.0, -1.0)])
def test_fit_recovers_exponents_and_interval_covers(p, q):
    # synthetic log β = 0.3 − p log sqrt|κ| − q log λ + N(0, 0.05²): over 200
    # noise draws the 95 % t-interval of p covers the truth 90–99 % of the time
    cells = _grid()
    k = np.array([c[0] for c in cells])
    lam = np.array([c[1] for c in cells])
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(200):
        y = 0.3 - p * np.log(np.sqrt(-k)) - q * np.log(lam) + rng.normal(0, 0.05, len(k))
        fit = fit_scaling(k, lam, np.exp(y))
        hits += fit["p_ci"][0] <= p <= fit["p_ci"][1]
    assert 0.90 <= hits / 200 <= 0.99
    exact = fit_scaling(k, lam, np.exp(0.3 - p * np.log(np.sqrt(-k)) - q * np.log(lam)))
    assert exact["p"] == pytest.approx(p, abs=1e-9) and exact["q"] == pytest.approx(q, abs=1e-9)
    assert exact["r2"] == pytest.approx(1.0) or (p == 0 and q == 0)


def test_verdicts():
    base = {"p_ci": [0.8, 1.2], "q_ci": [0.7, 1.3]}
    assert verdict(base) == "supported"
    assert verdict({**base, "q_ci": [-0.2, 1.5]}) == "inconclusive"
    assert verdict({**base, "p_ci": [0.1, 0.5]}) == "rejected"
    assert verdict(None) == "inconclusive"
    assert fit_scaling([-1, -2, -3, -4], [2, 2, 3, 3], [1, 2, 3, 4]) is None  # n < 5


def test_argmin_refinement_finds_a_parabola_vertex():
    betas = np.geomspace(0.1, 100, 7)
    loss = (np.log(betas) - math.log(3.0)) ** 2
    b, edge = _argmin_log(betas, loss)
    assert not edge and b == pytest.approx(3.0, rel=1e-9)
    b, edge = _argmin_log(betas, -np.log(betas))
    assert edge and b == 100.0


def test_tiny_run_through_the_store(tmp_path):
    from isingformer.runs import ResultsStore

    kw = dict(seeds=1, steps=2, depth=2, tokens=600, executor="serial",
              model={"d_model": 8, "context": 8, "batch_size": 4, "eval_batches": 1})  # fmt: skip
    with ResultsStore.open(tmp_path / "runs.sqlite") as st:
        r = run_conjecture([-1.0], [2, 3], [0.5, 1.0, 2.0], store=st, **kw)
        assert len(st.finished_keys("hyperbolic.conjecture")) == 6
        again = run_conjecture([-1.0], [2, 3], [0.5, 1.0, 2.0], store=st, **kw)
    assert again["cells"] == r["cells"]  # read back from the store
    assert {c["branching"] for c in r["cells"]} == {2, 3} and len(r["cells"]) == 2
    for c in r["cells"]:
        assert set(c["beta_opt"]) >= {"value", "ci"} and c["beta_opt"]["ci"] is None  # n = 1
        assert 0.5 <= c["beta_opt"]["value"] <= 2.0
    assert r["fit"] is None and r["verdict"] == "inconclusive"  # 2 cells < 5


@pytest.mark.parametrize(
    "args, match",
    [
        (([1.0], [2], [1, 2, 3]), "curvatures"),
        (([-1.0], [1], [1, 2, 3]), "branching"),
        (([], [2], [1, 2, 3]), "curvatures"),
        (([-1.0], [2], [1, 2]), "betas"),
    ],
)
def test_bad_input(args, match):
    with pytest.raises(InputError, match=match):
        run_conjecture(*args)
