"""The β-policy study of docs/phases.md ("The β-policy question at a larger
size"), recomputed: GPTs of 2 layers x 4 heads, width 64, context 64, 400
steps, trained under sqrt_dk, critical and fixed (β = 1), snapshots at steps
25, 50, 100, 200, 400 (:mod:`isingformer.phases.policy_study`).

CI (regression tier) retrains seed 0 of each policy (three trainings, one
thread) and checks, per policy, that each recomputed seed-0 number lies in the
Student-t 95 % *prediction* interval of one new seed from the three stated
seeds, mean ± t(0.975, 2) · sd · sqrt(1 + 1/3) (a rerun on another machine is
a new sample: training is chaotic in the last bits), and that seed 0 shows the
stated per-seed findings. The slow test reruns seeds 1 and 2 as well and
checks the stated 3-seed means (within ± t(0.975, 2) · sqrt(2) · sem: the
difference of two 3-seed means) and the stated paired comparisons.
"""

import math

import numpy as np
import pytest

T975_2 = 4.303  # Student t, 95 % two-sided, 2 degrees of freedom
POLICIES = ("sqrt_dk", "critical", "fixed")
# docs/phases.md, per seed 0, 1, 2: T peak, β peak (factor f on the model's own β),
# max of the linear indicator over T / over β, TAP T_c at steps 25 and 400, Monte
# Carlo T_c at step 400 (mean of 3 Monte Carlo seeds), exponent α of
# T_c^TAP ∝ t^α over steps 25-400
STATED = {
    "sqrt_dk": {
        "T": (0.986, 1.041, 1.020),
        "f": (3.47, 8.02, 3.08),
        "ratio": (3.14, 2.38, 4.28),
        "tc25": (0.841, 0.841, 0.990),
        "tc": (1.267, 1.215, 1.265),
        "mc": (1.075, 1.049, 1.091),
        "alpha": (0.134, 0.128, 0.087),
    },
    "critical": {
        "T": (0.978, 1.019, 0.986),
        "f": (1.79, 0.81, 1.19),
        "ratio": (9.29, 6.70, 10.50),
        "tc25": (0.780, 0.816, 0.932),
        "tc": (1.141, 1.180, 1.199),
        "mc": (0.936, 1.008, 1.017),
        "alpha": (0.121, 0.128, 0.091),
    },
    "fixed": {
        "T": (0.995, 1.043, 1.052),
        "f": (5.06, 4.30, 4.71),
        "ratio": (2.15, 2.89, 2.75),
        "tc25": (0.840, 0.840, 0.987),
        "tc": (1.257, 1.206, 1.263),
        "mc": (1.079, 1.044, 1.086),
        "alpha": (0.133, 0.129, 0.094),
    },
}
LOG = {"f", "ratio"}  # compared on the log scale (geometric means)
# paired (same seed) critical − other, 95 % Student-t interval over 3 seeds
PAIRED = {
    ("f", "sqrt_dk"): (0.031, 2.35),  # factor on f
    ("f", "fixed"): (0.117, 0.560),
    ("ratio", "sqrt_dk"): (2.15, 3.49),
    ("ratio", "fixed"): (1.48, 7.63),
    ("tc", "sqrt_dk"): (-0.189, 0.038),
    ("tc", "fixed"): (-0.180, 0.044),
    ("mc", "sqrt_dk"): (-0.209, 0.038),
    ("mc", "fixed"): (-0.219, 0.053),
    ("alpha", "sqrt_dk"): (-0.025, 0.019),
    ("alpha", "fixed"): (-0.019, 0.009),
}


def _value(run: dict, key: str) -> float:
    return {
        "T": run["temperature"]["value"],
        "f": run["beta"]["value"],
        "ratio": run["ratio"],
        "tc25": run["tc_tap"][0],
        "tc": run["tc_last"],
        "mc": run["tc_mc_last"]["value"],
        "alpha": run["powerlaw_tap"]["exponent"],
    }[key]


def _scaled(key: str, values) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    return np.log(v) if key in LOG else v


def _runs(seeds, tmp_path_factory) -> dict:
    import torch

    from isingformer.lm.corpus import prepare_data
    from isingformer.phases.policy_study import policy_run
    from isingformer.threads import set_threads

    n = torch.get_num_threads()
    set_threads(1)
    try:
        cache = tmp_path_factory.mktemp("policy_cache")
        prepare_data("shakespeare", "char", cache_dir=cache)
        work = tmp_path_factory.mktemp("policy_runs")
        return {(p, s): policy_run(p, s, work, cache_dir=cache) for s in seeds for p in POLICIES}
    finally:
        set_threads(n)


@pytest.fixture(scope="module")
def seed0(tmp_path_factory):
    return _runs((0,), tmp_path_factory)


@pytest.mark.regression
@pytest.mark.parametrize("key", ["T", "f", "ratio", "tc25", "tc", "mc", "alpha"])
def test_seed0_in_the_prediction_interval(seed0, key):
    for p in POLICIES:
        s = _scaled(key, STATED[p][key])
        half = T975_2 * s.std(ddof=1) * math.sqrt(1 + 1 / 3)
        got = float(_scaled(key, [_value(seed0[p, 0], key)])[0])
        assert abs(got - s.mean()) <= half, (p, key, _value(seed0[p, 0], key))


def _findings(runs: dict) -> None:
    """The per-seed findings of docs/phases.md on one seed's three models
    (``{policy: run}``): every model's T transition is interior and contains the
    sampling T = 1; the critical model's β peak is closer to f = 1 than the other
    two, and f = 1 lies outside the sqrt_dk and fixed intervals; the critical
    model's output reacts least to β (largest T/β ratio); the TAP T_c grows over
    training in every policy, and the critical one ends lowest, in the TAP and in
    the Monte Carlo T_c (every model ordered: ⟨m⟩ > 0.3 at the coldest point)."""
    for r in runs.values():
        t = r["temperature"]
        assert not t["at_edge"] and t["ci"][0] <= 1.0 <= t["ci"][1], r
        assert not r["beta"]["at_edge"]
        assert r["tc_tap"][-1] > r["tc_tap"][0]
    dist = {p: abs(math.log(r["beta"]["value"])) for p, r in runs.items()}
    assert dist["critical"] < min(dist["sqrt_dk"], dist["fixed"]), dist
    assert not runs["sqrt_dk"]["f1_inside"] and not runs["fixed"]["f1_inside"]
    ratio = {p: r["ratio"] for p, r in runs.items()}
    assert ratio["critical"] > max(ratio["sqrt_dk"], ratio["fixed"]), ratio
    for key in ("tc_last", "tc_mc_last"):
        tc = {p: r[key] if key == "tc_last" else r[key]["value"] for p, r in runs.items()}
        assert tc["critical"] < min(tc["sqrt_dk"], tc["fixed"]), (key, tc)
    for r in runs.values():  # ordered, and the Monte Carlo T_c below the mean-field one
        assert r["tc_mc_last"]["m_cold"] > 0.3 and r["tc_mc_last"]["value"] < r["tc_last"]


@pytest.mark.regression
def test_seed0_shows_the_stated_findings(seed0):
    _findings({p: seed0[p, 0] for p in POLICIES})


@pytest.mark.slow
def test_the_three_seed_study(seed0, tmp_path_factory):
    """Seeds 1 and 2 too (six more trainings, about 4 minutes): the per-seed
    findings in every seed, f = 1 inside the β interval of 0/2/0 of the three
    sqrt_dk/critical/fixed models, the stated 3-seed means, and the paired critical − other means (within sqrt(2) x the stated
    interval's half-width of its centre)."""
    from isingformer.stats import mean_interval

    runs = {**seed0, **_runs((1, 2), tmp_path_factory)}
    seeds = (0, 1, 2)
    for k in seeds:
        _findings({p: runs[p, k] for p in POLICIES})
    inside = {p: sum(runs[p, k]["f1_inside"] for k in seeds) for p in POLICIES}
    assert inside == {"sqrt_dk": 0, "critical": 2, "fixed": 0}, inside
    for p in POLICIES:
        for key, stated in STATED[p].items():
            s = _scaled(key, stated)
            got = _scaled(key, [_value(runs[p, k], key) for k in seeds])
            half = T975_2 * math.sqrt(2) * s.std(ddof=1) / math.sqrt(3)
            assert abs(got.mean() - s.mean()) <= half, (p, key, got)
    for (key, other), (lo, hi) in PAIRED.items():
        d = [
            float(_scaled(key, [_value(runs["critical", k], key)])[0])
            - float(_scaled(key, [_value(runs[other, k], key)])[0])
            for k in seeds
        ]
        got = mean_interval(d)
        want = _scaled(key, [lo, hi]) if key in LOG else np.array([lo, hi])
        mid, half = want.mean(), 0.5 * (want[1] - want[0])
        assert abs(got.mean - mid) <= math.sqrt(2) * half, (key, other, got)
    d = [math.log(_value(runs["critical", k], "f") / _value(runs["fixed", k], "f")) for k in seeds]
    assert mean_interval(d).ci[1] < 0  # critical sits nearer its β transition than fixed β = 1
