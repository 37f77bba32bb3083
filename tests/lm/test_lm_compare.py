"""Comparison statistics: cost to target, bootstrap intervals, paired verdict."""

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.lm.compare import _paired, bootstrap_ci, compare, cost_to_target, verdict


def _evals(losses, every=10, secs_per_step=0.1):
    return [
        {"step": i * every, "val_loss": v, "train_seconds": i * every * secs_per_step}
        for i, v in enumerate(losses)
    ]


def test_cost_to_target_interpolates_and_censors():
    ev = _evals([4.0, 3.0, 2.0, 1.0])
    assert cost_to_target(ev, 2.5) == pytest.approx((15.0, 1.5, True))
    assert cost_to_target(ev, 3.0) == pytest.approx((10.0, 1.0, True))
    assert cost_to_target(ev, 0.5) == pytest.approx((30.0, 3.0, False))


def test_bootstrap_ci_covers_the_mean_at_the_nominal_rate():
    rng = np.random.default_rng(1)
    hits = 0
    for i in range(300):
        x = rng.normal(0.0, 1.0, 30)
        lo, hi = bootstrap_ci(x, n_boot=500, seed=i)
        hits += lo <= 0.0 <= hi
    # 95% nominal; the percentile bootstrap undercovers a little at n = 30
    assert 0.88 <= hits / 300 <= 0.99
    assert bootstrap_ci([2.0]) == (2.0, 2.0)


def _run(seed, losses, policy, sps=0.1):
    return {
        "seed": seed,
        "policy": policy,
        "final_val_loss": losses[-1],
        "evals": _evals(losses, secs_per_step=sps),
    }


def test_paired_ratio_and_verdicts():
    base = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "sqrt_dk") for s in range(4)]
    # twice as fast: reaches every baseline target at about half the steps
    fast = [_run(s, [4.0, 2.0, 1.8, 1.7], "critical") for s in range(4)]
    p = _paired("critical", fast, base, 2000, 0)
    assert p["steps_ratio"]["ratio"] < 0.4 and p["censored"] == 0
    assert verdict(p, 4)[0] == "supported"
    same = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "critical") for s in range(4)]
    p = _paired("critical", same, base, 2000, 0)
    assert math.isclose(p["steps_ratio"]["ratio"], 1.0)
    assert verdict(p, 4)[0] == "not supported"
    slow = [_run(s, [4.0, 3.5, 3.2, 3.0], "critical") for s in range(4)]
    p = _paired("critical", slow, base, 2000, 0)
    assert p["censored"] == 4 and verdict(p, 4)[0] == "not supported"
    mixed = [
        _run(s, [4.0, 2.0, 1.8, 1.7] if s % 2 else [4.0, 3.5, 3.2, 3.0], "critical")
        for s in range(4)
    ]
    p = _paired("critical", mixed, base, 2000, 0)
    assert verdict(p, 4)[0] == "inconclusive"
    assert verdict(p, 2)[0] == "inconclusive"
    assert verdict(None, 4)[0] == "inconclusive"


def test_compare_needs_baseline_without_target(tiny):
    with pytest.raises(InputError, match="sqrt_dk"):
        compare(tiny(), ["critical", "learned"], [0], executor="serial", progress=False)
    with pytest.raises(InputError, match="unknown policy"):
        compare(tiny(), ["sqrt_dk", "hot"], [0], executor="serial", progress=False)


def test_control_verdict_separates_criticality_from_scale():
    from isingformer.lm.compare import control_verdict

    fast = [_run(s, [4.0, 2.0, 1.8, 1.7 + 0.01 * s], "critical") for s in range(4)]
    # a fixed-β control that is just as fast: the gain is the scale
    same = [_run(s, [4.0, 2.0, 1.8, 1.7 + 0.01 * s], "fixed") for s in range(4)]
    vs = _paired("critical", fast, same, 2000, 0, "fixed:beta=8.0")
    assert vs["baseline"] == "fixed:beta=8.0"
    v, text = control_verdict(vs, None, 4)
    assert v == "explained by scale" and "fixed:beta=8.0" in text
    # a control that ends lower than critical: also explained by scale
    better = [_run(s, [4.0, 1.9, 1.6, 1.5], "fixed") for s in range(4)]
    assert control_verdict(_paired("critical", fast, better, 2000, 0, "f"), None, 4)[0] == (
        "explained by scale"
    )
    # a control that is slower and ends higher: criticality adds something
    slow = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "fixed") for s in range(4)]
    assert control_verdict(_paired("critical", fast, slow, 2000, 0, "f"), None, 4)[0] == (
        "criticality beyond scale"
    )
    # mixed seeds, or too few seeds: no judgement
    mixed = [
        _run(s, [4.0, 3.0, 2.5, 2.0] if s % 2 else [4.0, 1.9, 1.6, 1.5], "fixed") for s in range(4)
    ]
    assert control_verdict(_paired("critical", fast, mixed, 2000, 0, "f"), None, 4)[0] == (
        "inconclusive"
    )
    assert control_verdict(vs, None, 2)[0] == "inconclusive"
    assert control_verdict(None, None, 4)[0] == "none"
