"""Mutation-strength tests of the spin Monte Carlo summaries (exact inputs)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from isingformer.phases.spin_mc import _line_tc, _seed_mean


def test_seed_mean_error_is_the_standard_error_of_the_mean():
    """Values 1, 2, 4: mean 7/3, s = sqrt(7/3), standard error s/√3 = √7/3,
    and the Student-t interval mean ± t_{0.975, 2}·√7/3."""
    out = _seed_mean([1.0, 2.0, 4.0], "test")
    sem = math.sqrt(7.0) / 3.0
    assert out["value"] == pytest.approx(7 / 3, rel=1e-15)
    assert out["err"] == pytest.approx(sem, rel=1e-12)
    half = stats.t.ppf(0.975, 2) * sem
    assert out["ci"] == pytest.approx([7 / 3 - half, 7 / 3 + half], rel=1e-12)
    assert out["n"] == 3
    assert _seed_mean([1.0, 2.0], "test")["err"] is None  # below 3 seeds: values only


def test_line_tc_of_an_exact_mean_field_line():
    """1/χ = 1 − (β/β_c)² vanishes at β_c = 0.8, i.e. T_c = 1.25; a line that
    never reaches 0 gives NaN."""
    beta2 = np.linspace(0.1, 0.5, 7)
    assert _line_tc(beta2, 1.0 - beta2 / 0.64) == pytest.approx(1.25, rel=1e-12)
    assert math.isnan(_line_tc(beta2, 1.0 + beta2))
