"""Regression tier (slow): the rows of docs/training.md's "What we found"
table that the fast regression test does not recompute — the annealed policy
and the fixed β = 24.2 and β = 2.0 controls, each summarised and paired with
sqrt_dk, and critical paired against the two controls — at the documented
size (3 seeds x 600 steps, 15 runs, ~4 minutes on two cores).

CPU training is deterministic, so a re-run should reproduce the documented
values; as in ``test_lm_training_regression.py`` each figure (and each end of
its interval) must lie within the half-width of its documented 95 % Student-t
interval (n = 3)."""

from __future__ import annotations

import pytest

from isingformer.lm.compare import compare

# docs/training.md: final val loss, steps to sqrt_dk's final loss, paired steps ratio vs sqrt_dk
ROWS = {
    "annealed": ((2.374, 2.340, 2.407), (364, 328, 400), (0.607, 0.572, 0.644)),
    "fixed:beta=24.2": ((2.412, 2.344, 2.480), (442, 257, 628), (0.731, 0.505, 1.059)),
    "fixed:beta=2.0": ((2.405, 2.369, 2.442), (420, 353, 487), (0.699, 0.624, 0.782)),
}
# critical against each control, paired by seed: Δ final loss, steps ratio, wins
VS_CONTROL = {
    "fixed:beta=24.2": ((-0.042, -0.097, +0.013), (0.759, 0.594, 0.969), 3),
    "fixed:beta=2.0": ((-0.036, -0.053, -0.019), (0.778, 0.705, 0.857), 3),
}


def _close(got: dict, stated: tuple[float, float, float], key: str) -> None:
    tol = (stated[2] - stated[1]) / 2
    assert got[key] == pytest.approx(stated[0], abs=tol)
    assert got["ci"] == pytest.approx(list(stated[1:]), abs=tol)


@pytest.fixture(scope="module")
def study(study_base):
    base = study_base
    policies = "sqrt_dk,critical,fixed:beta=24.2,fixed:beta=2.0,annealed:target=critical"
    c = compare(base, policies, [0, 1, 2], executor="process", max_workers=2, progress=False)
    return c.to_dict()


@pytest.mark.slow
@pytest.mark.regression
@pytest.mark.parametrize("name", sorted(ROWS))
def test_documented_row(study, name: str) -> None:
    final, steps, ratio = ROWS[name]
    policy = next(p for p in study["policies"] if p["name"].startswith(name))
    _close(policy["final_val_loss"], final, "mean")
    assert policy["steps_to_target"]["reached"] == 3
    _close(policy["steps_to_target"], steps, "mean")
    paired = next(p for p in study["paired"] if p["name"].startswith(name))
    assert paired["censored"] == 0
    _close(paired["steps_ratio"], ratio, "ratio")


@pytest.mark.slow
@pytest.mark.regression
@pytest.mark.parametrize("control", sorted(VS_CONTROL))
def test_critical_against_control(study, control: str) -> None:
    delta, ratio, wins = VS_CONTROL[control]
    each = {e["baseline"]: e for e in study["control"]["each"]}[control]
    _close(each["delta_final_loss"], delta, "mean")
    assert each["delta_final_loss"]["wins"] == wins
    _close(each["steps_ratio"], ratio, "ratio")
