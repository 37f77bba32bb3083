"""The Wilson score interval of a proportion: known values, exact coverage."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from isingformer.errors import InputError
from isingformer.stats import wilson_interval


def test_known_values():
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)  # Wald would give [0, 0]
    assert wilson_interval(10, 10)[1] == 1.0


@pytest.mark.parametrize("n, p", [(20, 0.3), (50, 0.1), (400, 0.95)])
def test_exact_coverage_near_nominal(n, p):
    # exact: sum of the binomial pmf over the k whose interval holds p
    k = np.arange(n + 1)
    holds = np.array([lo <= p <= hi for lo, hi in (wilson_interval(int(i), n) for i in k)])
    cover = float(stats.binom.pmf(k, n, p)[holds].sum())
    assert 0.92 <= cover <= 0.99


def test_bad_input():
    with pytest.raises(InputError):
        wilson_interval(3, 2)
    with pytest.raises(InputError):
        wilson_interval(1, 2, level=1.0)
