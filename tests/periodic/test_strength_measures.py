"""Mutation-strength test of the rounding-exponent interval (OLS slope, t on n − 2 dof)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from isingformer.periodic import rounding_exponent


def test_rounding_exponent_interval_is_student_t_on_the_slope():
    """width = a N^(−θ) with scatter: the 95 % interval is θ ± t_{0.975, n−2}·SE,
    SE² = Σr²/(n − 2) / Σ(x − x̄)² in x = ln N, y = ln width (hand formula)."""
    sizes = np.array([8.0, 16.0, 32.0, 64.0, 128.0])
    widths = 3.0 * sizes**-0.8 * np.exp([0.05, -0.03, 0.04, -0.06, 0.02])
    x, y = np.log(sizes), np.log(widths)
    xc = x - x.mean()
    slope = float(xc @ (y - y.mean()) / (xc @ xc))
    resid = y - y.mean() - slope * xc
    se = math.sqrt(float(resid @ resid) / 3 / float(xc @ xc))
    half = stats.t.ppf(0.975, 3) * se
    out = rounding_exponent(sizes, widths)
    assert out["n"] == 5
    assert out["theta"] == pytest.approx(-slope, rel=1e-12)
    assert out["ci"] == pytest.approx([-slope - half, -slope + half], rel=1e-10)
