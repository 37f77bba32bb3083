"""Mutation-strength test of the ICL threshold summary over seeds."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from isingformer.icl.sweep import _log_interval


def test_threshold_summary_is_the_geometric_mean_with_a_log_t_interval():
    """k* = 1, 4, 16 over three seeds: geometric mean 4; the interval is
    exp(mean ln k* ± t_{0.975, 2}·s/√3) with s = ln 4 (the logs 0, ln 4, ln 16)."""
    out = _log_interval([1.0, 4.0, 16.0])
    assert out["value"] == pytest.approx(4.0, rel=1e-12)
    half = stats.t.ppf(0.975, 2) * math.log(4.0) / math.sqrt(3)
    assert out["ci"] == pytest.approx([4.0 * math.exp(-half), 4.0 * math.exp(half)], rel=1e-12)
    assert out["n"] == 3
