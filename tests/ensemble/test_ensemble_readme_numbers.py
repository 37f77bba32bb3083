"""Regression tier: the REM numbers of README.md not covered by
test_rem_regression.py (which recomputes the mean peaks, the plateau up to
N = 16384 and the extrapolation).

- the seed-to-seed SD of β* (0.06, 0.05, 0.04 at N = 64, 256, 1024; σ = 1,
  200 rows): the sample variances of 6 other seeds, pooled over the three
  sizes, must lie in the two-sided 99.9 % χ² range with 15 degrees of freedom;
- the plateau of β*/β_c near 0.73 still holds at N = 6.5·10⁴ (± 0.035, the
  3-SD tolerance of test_rem_regression.py);
- S/ln N = 1 − (β/β_c)² within 0.01 for β ≤ β_c/2 at N = 2¹⁸ (8 rows, one
  seed not used by test_rem.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from isingformer.ensemble import (
    rem_beta_c,
    rem_energies,
    rem_entropy_limit,
    rem_study,
    thermodynamics,
)

pytestmark = pytest.mark.regression

STATED_SD = {64: 0.06, 256: 0.05, 1024: 0.04}
SEEDS = range(40, 46)


def _peaks(sizes: list[int], seed: int) -> list[float]:
    study = rem_study(sizes, 200, seed=seed, executor="serial", progress=False, n_boot=10)
    return [p.beta_peak for p in study.points]


def test_seed_to_seed_sd_of_the_peaks() -> None:
    peaks = np.array([_peaks(list(STATED_SD), s) for s in SEEDS])  # [seed, size]
    dof = len(SEEDS) - 1
    var = peaks.var(axis=0, ddof=1)
    chi2 = float(np.sum(dof * var / np.array(list(STATED_SD.values())) ** 2))
    k = dof * len(STATED_SD)
    lo, hi = stats.chi2.ppf([0.0005, 0.9995], k)
    assert lo < chi2 < hi, (np.sqrt(var), chi2, (lo, hi))


def test_ratio_plateau_reaches_65536() -> None:
    (peak,) = _peaks([65536], seed=41)
    assert abs(peak / rem_beta_c(65536) - 0.73) < 0.035, peak / rem_beta_c(65536)


def test_entropy_curve_at_2_18() -> None:
    n = 2**18
    x = np.linspace(0.05, 0.5, 10)
    th = thermodynamics(rem_energies(n, 8, 1.0, seed=7), x * rem_beta_c(n)).mean()
    s = th.entropy.numpy() / math.log(n)
    assert np.max(np.abs(s - rem_entropy_limit(x))) < 0.01
