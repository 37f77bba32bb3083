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


def test_weighted_fit_uses_the_cell_errors_and_covers():
    # cells with known, unequal errors σ_i: the WLS interval of p covers the
    # truth 90–99 % of 200 draws and is narrower on average than OLS's
    cells = _grid()
    k = np.array([c[0] for c in cells])
    lam = np.array([c[1] for c in cells])
    sig = np.geomspace(0.02, 0.4, len(k))[np.random.default_rng(1).permutation(len(k))]
    rng = np.random.default_rng(2)
    hits, w_width, o_width = 0, 0.0, 0.0
    for _ in range(200):
        y = 0.3 - np.log(np.sqrt(-k)) - np.log(lam) + rng.normal(0, sig)
        fit = fit_scaling(k, lam, np.exp(y), sig)
        ols = fit_scaling(k, lam, np.exp(y))
        hits += fit["p_ci"][0] <= 1.0 <= fit["p_ci"][1]
        w_width += fit["p_ci"][1] - fit["p_ci"][0]
        o_width += ols["p_ci"][1] - ols["p_ci"][0]
    assert 0.90 <= hits / 200 <= 0.99
    assert w_width < 0.8 * o_width
    assert fit["method"].startswith("WLS") and ols["method"].startswith("OLS")
    # a cell without an error (fewer than 3 seeds) falls back to OLS
    assert fit_scaling(k, lam, np.exp(y), [None, *sig[1:]])["method"].startswith("OLS")


def test_three_seeds_give_cell_intervals_and_a_weighted_fit(monkeypatch):
    # the experiment's bookkeeping on synthetic runs (no training): each seed's
    # loss is a parabola in log β around a known β_opt(κ, λ) · noise
    from isingformer.hyperbolic import conjecture as cj
    from isingformer.stats import mean_interval

    def fake_point(config):
        lam = lambdas[config["branching"]]
        rng = np.random.default_rng(
            [config["seed"], config["branching"], int(-10 * config["curvature"])]
        )
        opt = 0.3 - math.log(math.sqrt(-config["curvature"])) - math.log(lam) + rng.normal(0, 0.1)
        return {"val_loss": (math.log(config["beta"]) - opt) ** 2, "beta_critical": 1.0}

    from isingformer.hyperbolic.trees import random_tree

    lambdas = {
        b: float(np.sqrt(np.bincount(random_tree(b, 2, seed=0).depth)[-1])) for b in (2, 3, 4)
    }
    monkeypatch.setattr(cj, "conjecture_point", fake_point)
    betas = list(np.geomspace(0.003, 30, 9))
    r = cj.run_conjecture([-0.1, -1.0, -10.0], [2, 3, 4], betas, seeds=3, tokens=600,
                          executor="serial")  # fmt: skip
    assert r["n_interior"] == 9
    for c in r["cells"]:
        b = c["beta_opt"]
        iv = mean_interval(np.log(b["per_seed"]))
        assert b["n"] == 3 and b["ci"] == pytest.approx([math.exp(x) for x in iv.ci])
        assert b["log_se"] == pytest.approx(np.std(np.log(b["per_seed"]), ddof=1) / math.sqrt(3))
    assert r["fit"]["method"].startswith("WLS")
    assert r["fit"]["p_ci"][0] <= 1.0 <= r["fit"]["p_ci"][1]
    assert r["fit"]["q_ci"][0] <= 1.0 <= r["fit"]["q_ci"][1]


def test_every_cell_interval_states_n_and_method():
    from isingformer.hyperbolic.conjecture import _cell_summary

    betas = np.geomspace(0.1, 10, 5)
    loss = (np.log(betas)[None, :] - np.array([[0.1], [0.3], [-0.2]])) ** 2
    star = np.array([[1.0, 1.1, 1.2, 1.3, 1.4]] * 3) * np.array([[1.0], [1.2], [0.9]])
    cell = _cell_summary(betas, loss, star)
    for key in ("beta_opt", "beta_critical"):  # beta_critical had no method
        iv = cell[key]
        assert iv["ci"] is not None and iv["n"] == 3 and "Student-t" in iv["method"]


def test_a_censored_cell_has_no_interval():
    # every seed's loss falls to the grid's last β: the values are bounds
    from isingformer.hyperbolic.conjecture import _cell_summary

    betas = np.geomspace(0.1, 10, 5)
    loss = -np.log(betas)[None, :] * np.array([[1.0], [1.1], [0.9]])
    cell = _cell_summary(betas, loss, np.ones((3, 5)))
    assert cell["at_edge"] and cell["beta_opt"]["per_seed"] == [10.0, 10.0, 10.0]
    assert cell["beta_opt"]["ci"] is None and "censored" in cell["beta_opt"]["method"]
