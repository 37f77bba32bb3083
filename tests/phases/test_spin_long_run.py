"""docs/phases.md, "A longer run": the docs GPT trained for 1600 steps under three
training seeds (critical policy, checkpoints doubling from step 25), the spin map
at the docs' Monte Carlo settings (300 sweeps, 16 temperatures, 3 Monte Carlo
seeds). Slow: three trainings and 24 checkpoints of Monte Carlo (~2 min).

A rerun is a new Monte Carlo sample (the ladder depends on the trained weights to
the last digit), so each stated pattern-free T_c must lie in the Student-t 95 %
prediction interval of the difference of two 3-seed means, ±t(0.975, 2)·√2·sem,
and the local exponents within 1.96·√2 of their Monte Carlo standard deviation
propagated from the stated sems."""

import math

import numpy as np
import pytest

STEPS = (25, 50, 100, 200, 400, 800, 1600)
Q_TC = {  # training seed: the pattern-free T_c at steps 0, 25, ..., 1600
    0: [0.138, 0.522, 0.636, 0.680, 0.710, 0.816, 0.822, 0.835],
    1: [0.133, 0.540, 0.608, 0.765, 0.760, 0.823, 0.849, 0.765],
    2: [0.126, 0.520, 0.553, 0.758, 0.688, 0.692, 0.702, 0.722],
}
Q_ERR = {  # their standard errors over the 3 Monte Carlo seeds
    0: [0.017, 0.004, 0.011, 0.044, 0.019, 0.012, 0.007, 0.012],
    1: [0.014, 0.010, 0.016, 0.011, 0.003, 0.005, 0.011, 0.005],
    2: [0.017, 0.010, 0.005, 0.010, 0.021, 0.036, 0.013, 0.013],
}
T975_2 = 4.303
I25, I400, I1600 = 1, 5, 7  # indices of steps 25, 400, 1600 (0: the initialization)


def _local(q, a: int, b: int) -> float:
    return math.log(q[b] / q[a]) / math.log(STEPS[b - 1] / STEPS[a - 1])


def _local_sd(a: int, b: int) -> float:
    """Monte Carlo sd of the mean over training seeds of the local exponent a -> b."""
    var = [
        ((Q_ERR[s][a] / Q_TC[s][a]) ** 2 + (Q_ERR[s][b] / Q_TC[s][b]) ** 2)
        / math.log(STEPS[b - 1] / STEPS[a - 1]) ** 2
        for s in Q_TC
    ]
    return math.sqrt(sum(var)) / len(var)


@pytest.fixture(scope="module")
def long_runs(gpt_config, tmp_path_factory):
    import torch

    from isingformer.lm.corpus import prepare_data
    from isingformer.phases.policy_study import train_series
    from isingformer.phases.spin_study import spin_study

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        cache = tmp_path_factory.mktemp("long_cache")
        prepare_data("shakespeare", "char", cache_dir=cache)
        work = tmp_path_factory.mktemp("long_runs")
        out = {}
        for seed in Q_TC:
            _ck, series = train_series(
                "critical", seed, work / f"s{seed}", config=gpt_config, snapshots=STEPS,
                cache_dir=cache,
            )  # fmt: skip
            out[seed] = spin_study(series, sweeps=300, n_temps=16, seeds=(0, 1, 2))
        return out
    finally:
        torch.set_num_threads(n)


@pytest.mark.slow
def test_pattern_free_tc_over_1600_steps(long_runs):
    """docs/phases.md: the pattern-free T_c rises from 0.52-0.54 at step 25 to
    0.72-0.84 at step 1600; local exponent 0.14 (t-CI 0.06-0.22, n = 3 training
    seeds) from step 25 to 400 and -0.00 (-0.11-0.11) from 400 to 1600, their
    difference 0.14 (-0.02-0.30); whole-range fits α = 0.07-0.11; between
    neighbouring checkpoints from step 100 on the pattern T_c drops by 49-74 %
    somewhere in every run, the pattern-free one by at most 10 %; at step 1600
    it is 0.71-0.76 of the TAP T_c (0.99-1.10)."""
    from isingformer.stats import mean_interval

    early, late, drops = [], [], []
    for seed, r in long_runs.items():
        assert r["steps"] == [0, *STEPS]
        q = [t["value"] for t in r["tc_overlap"]]
        for t, want, err in zip(q, Q_TC[seed], Q_ERR[seed], strict=True):
            assert abs(t - want) <= T975_2 * math.sqrt(2) * max(err, 0.005), (seed, q)
        early.append(_local(q, I25, I400))
        late.append(_local(q, I400, I1600))
        pat = [t["value"] for t in r["tc"]]
        k = r["steps"].index(100)

        def drop(v, k=k):
            return max(1 - v[j + 1] / v[j] for j in range(k, len(v) - 1))

        drops.append((drop(pat), drop(q)))
        assert 0.65 < q[-1] / r["tc_tap"][-1] < 0.82  # stated 0.71-0.76
        pl = r["powerlaw_overlap"]
        assert pl["n"] == 7 and 0.0 < pl["exponent"] < 0.15  # stated 0.07-0.11
    tol_e, tol_l = (1.96 * math.sqrt(2) * _local_sd(a, b) for a, b in ((I25, I400), (I400, I1600)))
    e, late_iv = mean_interval(np.array(early)), mean_interval(np.array(late))
    assert abs(e.mean - 0.14) < tol_e and e.ci[0] > 0, (early, tol_e)
    assert abs(late_iv.mean - 0.0) < tol_l and late_iv.ci[0] < 0 < late_iv.ci[1], (late, tol_l)
    diff = mean_interval(np.array(early) - np.array(late))
    assert diff.mean > 0 and diff.ci[0] < 0.05, diff  # not clearly separated with 3 seeds
    assert all(p > 0.35 for p, _ in drops) and all(d < 0.2 for _, d in drops), drops
