"""Mutation-strength tests of the classical Hopfield helpers (exact counts)."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.physics.hopfield import capacity_curves, corrupt
from isingformer.stats import wilson_interval


@pytest.mark.parametrize(
    ("n", "fraction", "flips"), [(10, 0.3, 3), (100, 0.29, 29), (100, 0.57, 57)]
)
def test_corrupt_flips_the_rounded_number_of_spins(n, fraction, flips):
    """round(f·N) spins flip — also where f·N is not exactly representable
    (0.29·100 = 28.999999999999996, 0.57·100 = 56.99999999999999)."""
    pattern = np.ones(n, dtype=np.int8)
    cue = corrupt(pattern, fraction, seed=1)
    assert int(np.sum(cue != pattern)) == flips


def test_capacity_curve_interval_counts_the_successes_exactly():
    """29 retrievals in 100 trials (p = 0.29, where 0.29·100 = 28.999999999999996):
    the curve's interval is the Wilson interval of 29/100."""
    point = {
        "n": 50,
        "alpha": 0.1,
        "overlap": 0.5,
        "p_retrieval": 29 / 100,
        "p_err": 0.05,
        "trials": 100,
    }
    (curve,) = capacity_curves([point])
    assert curve["p_ci"][0] == pytest.approx(list(wilson_interval(29, 100)), rel=1e-15)


def test_capacity_point_binomial_error():
    """p_err = sqrt(max(p(1 − p), 1/trials)/trials): at α = 0.05, N = 40 the
    stored pattern is a fixed point in every trial (p = 1), so the error is
    its floor sqrt(1/trials²) = 1/trials."""
    from isingformer.physics.hopfield import capacity_point

    out = capacity_point({"n": 40, "alpha": 0.05, "trials": 5, "seed": 0})
    assert out["p_retrieval"] == 1.0
    assert out["p_err"] == pytest.approx(1 / 5, rel=1e-12)
