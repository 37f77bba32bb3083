"""Regression tier: README.md's "2D Ising row walls at T_c have CV² = 1.43 ±
0.05 (3 seeds, Student-t)" — the interval's half-width as well as its centre
(test_numbers_findings.py checks the centre). The walls are deterministic per
seed, so both must round to the stated digits."""

import math

import numpy as np
import pytest
from scipy import stats

from isingformer.numbers.gaps import ising_row_walls

TC = 2 / math.log(1 + math.sqrt(2))


@pytest.mark.regression
def test_critical_row_walls_interval_as_stated():
    cv = np.array([ising_row_walls(32, TC, seed=s)["cv2"] for s in range(3)])
    half = stats.t.ppf(0.975, cv.size - 1) * cv.std(ddof=1) / math.sqrt(cv.size)
    assert round(float(cv.mean()), 2) == 1.43
    assert round(float(half), 2) == 0.05
