"""Comparison statistics: cost to target, Student-t intervals, paired verdict."""

import math

import pytest

from isingformer.errors import InputError
from isingformer.lm.compare import (
    compare,
    cost_to_target,
    paired_comparison,
    policy_summary,
    verdict,
)
from isingformer.stats import t_interval


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


def test_summary_intervals_are_student_t_with_n_and_none_below_three():
    """The comparison's intervals are the t interval over seeds (whose coverage
    at n = 3 and 5 is tested in tests/stats); two seeds give values only."""
    extra = {"tokens_per_s": 1e4, "calib_seconds": 0.0, "train_seconds": 1.0}
    runs = [{**_run(s, [4.0, 3.0, 2.5, 2.0 + 0.03 * s], "sqrt_dk"), **extra} for s in range(3)]
    summ = policy_summary("sqrt_dk", runs, 2.6)
    f = summ["final_val_loss"]
    assert f["n"] == 3 and f["ci"] == pytest.approx(list(t_interval(f["values"])))
    two = policy_summary("sqrt_dk", runs[:2], 2.6)
    assert two["final_val_loss"]["ci"] is None and two["final_val_loss"]["n"] == 2
    base = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "sqrt_dk") for s in range(2)]
    fast = [_run(s, [4.0, 2.0, 1.8, 1.7 + 0.02 * s], "critical") for s in range(2)]
    p = paired_comparison("critical", fast, base)
    assert p["steps_ratio"]["ci"] is None and p["delta_final_loss"]["ci"] is None
    v, text = verdict(p, 2)
    assert v == "inconclusive" and "2 paired seed(s)" in text


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
    p = paired_comparison("critical", fast, base)
    assert p["steps_ratio"]["ratio"] < 0.4 and p["censored"] == 0
    assert verdict(p, 4)[0] == "supported"
    same = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "critical") for s in range(4)]
    p = paired_comparison("critical", same, base)
    assert math.isclose(p["steps_ratio"]["ratio"], 1.0)
    assert verdict(p, 4)[0] == "not supported"
    slow = [_run(s, [4.0, 3.5, 3.2, 3.0], "critical") for s in range(4)]
    p = paired_comparison("critical", slow, base)
    assert p["censored"] == 4 and verdict(p, 4)[0] == "not supported"
    mixed = [
        _run(s, [4.0, 2.0, 1.8, 1.7] if s % 2 else [4.0, 3.5, 3.2, 3.0], "critical")
        for s in range(4)
    ]
    p = paired_comparison("critical", mixed, base)
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
    vs = paired_comparison("critical", fast, same, "fixed:beta=8.0")
    assert vs["baseline"] == "fixed:beta=8.0"
    v, text = control_verdict(vs, None, 4)
    assert v == "explained by scale" and "fixed:beta=8.0" in text
    # a control that ends lower than critical: also explained by scale
    better = [_run(s, [4.0, 1.9, 1.6, 1.5], "fixed") for s in range(4)]
    assert control_verdict(paired_comparison("critical", fast, better, "f"), None, 4)[0] == (
        "explained by scale"
    )
    # a control that is slower and ends higher: criticality adds something
    slow = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "fixed") for s in range(4)]
    assert control_verdict(paired_comparison("critical", fast, slow, "f"), None, 4)[0] == (
        "criticality beyond scale"
    )
    # mixed seeds, or too few seeds: no judgement
    mixed = [
        _run(s, [4.0, 3.0, 2.5, 2.0] if s % 2 else [4.0, 1.9, 1.6, 1.5], "fixed") for s in range(4)
    ]
    assert control_verdict(paired_comparison("critical", fast, mixed, "f"), None, 4)[0] == (
        "inconclusive"
    )
    assert control_verdict(vs, None, 2)[0] == "inconclusive"
    assert control_verdict(None, None, 4)[0] == "none"


def test_never_reached_is_a_lower_bound_not_a_degenerate_interval():
    base = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "sqrt_dk") for s in range(3)]
    slow = [_run(s, [4.0, 3.5, 3.2, 3.0 + 0.01 * s], "critical") for s in range(3)]
    p = paired_comparison("critical", slow, base)
    s = p["steps_ratio"]
    assert p["censored"] == 3 and s["lower_bound"] and s["ci"] is None
    v, text = verdict(p, 3)
    assert v == "not supported" and "lower bound" in text and "[1.000, 1.000]" not in text


def test_partly_reached_is_a_lower_bound_without_an_interval():
    """One seed of three never reaches its target: its cost is its budget (a
    lower bound), so the ratio is a lower bound and there is no t interval."""
    base = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "sqrt_dk") for s in range(3)]
    mixed = [
        _run(s, [4.0, 3.5, 3.2, 3.0] if s == 0 else [4.0, 2.0, 1.8, 1.7], "critical")
        for s in range(3)
    ]
    p = paired_comparison("critical", mixed, base)
    s = p["steps_ratio"]
    assert p["censored"] == 1 and s["lower_bound"] and s["ci"] is None and s["censored"] == 1
    v, text = verdict(p, 3)
    assert v != "supported" and "never reached in 1 of 3 seeds" in text
    from isingformer.lm.report import _ci
    from isingformer.periodic.report import _cell

    assert _ci(s, "{:.3f}", "ratio").startswith("≥ ") and "1 of 3" in _ci(s, "{:.3f}", "ratio")
    assert _cell(s, "ratio").startswith("≥ ") and "[" not in _cell(s, "ratio")


def test_verdict_is_judged_on_steps_not_on_timing():
    """Identical training gives identical steps and losses but not identical CPU
    time; the verdict must not change when only the timing does."""
    base = [_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "sqrt_dk") for s in range(4)]
    fast = [_run(s, [4.0, 2.0, 1.8, 1.7], "critical", sps=0.1) for s in range(4)]
    slow_clock = [_run(s, [4.0, 2.0, 1.8, 1.7], "critical", sps=0.5) for s in range(4)]
    p_fast, p_slow = (
        paired_comparison("critical", fast, base),
        paired_comparison("critical", slow_clock, base),
    )
    assert p_slow["seconds_ratio"]["ratio"] > 1.0 > p_fast["seconds_ratio"]["ratio"]
    v_fast = verdict(p_fast, 4)[0]
    v_slow, t_slow = verdict(p_slow, 4)
    assert v_fast == v_slow == "supported"
    assert "not judged" in t_slow


def test_every_interval_states_its_n_and_method():
    """Stats rule: each ``ci`` of a comparison comes with ``n`` and ``method``
    (tokens/s: ``tokens_per_s_n`` and ``tokens_per_s_method``)."""
    extra = {"tokens_per_s": 1e4, "calib_seconds": 0.0, "train_seconds": 1.0}
    base = [{**_run(s, [4.0, 3.0, 2.5, 2.0 + 0.01 * s], "sqrt_dk"), **extra} for s in range(3)]
    fast = [{**_run(s, [4.0, 2.0, 1.8, 1.7 + 0.02 * s], "critical"), **extra} for s in range(3)]

    def intervals(d):
        if isinstance(d, dict):
            if "ci" in d:
                yield d
            for v in d.values():
                yield from intervals(v)

    found = [
        *intervals(policy_summary("critical", fast, 2.6)),
        *intervals(paired_comparison("critical", fast, base)),
    ]
    assert len(found) == 8
    for d in found:
        assert d["n"] == 3 and "Student t" in d["method"], d
    summ = policy_summary("critical", fast, 2.6)
    assert summ["tokens_per_s_n"] == 3 and "Student t" in summ["tokens_per_s_method"]
