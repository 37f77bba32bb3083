"""Regression tier: the Hopfield capacity numbers of README.md / docs/glass.md.

Stated (N = 500-4000, 200 trials, 21 loads): α_50 = 0.1757 ± 0.0014 (N = 500),
0.1647 ± 0.0009 (N = 1000) and α_c = 0.1398 ± 0.0095 (stat. + syst. from the
extrapolation exponent). Recomputed here at reduced size (N = 250-1000,
60 trials, 13 loads, another seed) with tolerances of 3 combined errors for
α_50 and 2 combined total errors for α_c (its systematic part is not Gaussian).
"""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.physics.hopfield import capacity_study

ALPHA_50 = {500: (0.1757, 0.0014), 1000: (0.1647, 0.0009)}
ALPHA_C = (0.1398, 0.0095)


@pytest.mark.regression
def test_capacity_numbers_of_the_readme() -> None:
    r = capacity_study(
        [250, 500, 1000],
        np.linspace(0.12, 0.24, 13),
        trials=60,
        seed=11,
        executor="serial",
        progress=False,
    )
    got = {x["size"]: (x["alpha_50"], x["err"]) for x in r["alpha_50"]}
    for n, (a, e) in ALPHA_50.items():
        assert abs(got[n][0] - a) < 3 * np.hypot(e, got[n][1]), (n, got[n], a)
    assert abs(r["alpha_c"] - ALPHA_C[0]) < 2 * np.hypot(ALPHA_C[1], r["alpha_c_err"])
