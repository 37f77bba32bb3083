"""Coverage of three more printed intervals and error bars, 2000 draws each
with a known truth (slow; docs: DEVELOPERS.md "Intervals the toolkit prints").

- `phases detect`'s peak ``ci`` (x̂ ± (t(n − 1)·se + step/4)) on the exact
  heterogeneous Bernoulli prompts of ``tests/phases/test_peak_coverage.py``
  (truth λ₀), n = 3, 5, 8, 16, 64 prompts, 200 resamples, seeds 600000 + n;
- the REM heat-capacity peak's error (``heat_capacity_peak``, a bootstrap of
  independent rows, one sigma) read as ±1.96 errors: 200 rows of N = 64
  energies, truth the peak of 20000 pooled rows;
- `ising simulate`'s one-sigma blocked-jackknife errors (``ising_estimates``)
  read as ±1.96 errors, on Gaussian AR(1) series of energy and |M| with a
  known mean and variance (so c = β²N·Var(e) is known), integrated
  autocorrelation time τ and length T: (T, τ) = (20000, 5): 100 bins,
  (2000, 2): 90 bins, (2000, 20): 10 bins.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from isingformer.stats import wilson_interval

REPS = 2000
# hits of REPS
PEAK_CI = {
    ("broad", 3): 1950, ("broad", 5): 1930, ("broad", 8): 1935, ("broad", 16): 1958,
    ("broad", 64): 1988, ("sharp", 3): 1998, ("sharp", 5): 2000, ("sharp", 8): 2000,
    ("sharp", 16): 2000, ("sharp", 64): 2000,
}  # fmt: skip
REM_196 = 1903
# (T, tau): (bins, specific-heat hits, energy hits)
ISING = {(2000, 2): (90, 1879, 1860), (2000, 20): (10, 1642, 1739)}


def _in_wilson(h: int, stated: int) -> bool:
    lo, hi = wilson_interval(h, REPS)
    return lo <= stated / REPS <= hi


@pytest.mark.slow
@pytest.mark.parametrize("case", ["broad", "sharp"])
def test_detector_peak_ci_coverage(case):
    from isingformer.phases.detector import detect_from_terms

    path = Path(__file__).parents[1] / "phases" / "test_peak_coverage.py"
    spec = importlib.util.spec_from_file_location("_peak_coverage_ci", path)
    pc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pc)
    grid, widths, s, lam0 = pc.CASES[case]
    for n in (3, 5, 8, 16, 64):
        rng, hits = np.random.default_rng(600_000 + n), 0
        for r in range(REPS):
            t = pc._terms(grid, lam0 + s * rng.standard_normal(n), rng.choice(widths, n))
            det = detect_from_terms(grid, {"tv": t, "js": t, "linear": t}, n_boot=200, seed=r)
            ci = det.peaks[0]["ci"]
            hits += ci[0] <= lam0 <= ci[1]
        assert _in_wilson(hits, PEAK_CI[(case, n)]), (case, n, hits)
        assert wilson_interval(hits, REPS)[1] >= 0.95


@pytest.mark.slow
def test_rem_peak_error_coverage():
    from isingformer.ensemble.critical import heat_capacity_peak
    from isingformer.ensemble.rem import default_grid, rem_energies

    grid = default_grid(64)
    pooled = np.concatenate([rem_energies(64, 200, 1.0, 10**6 + i) for i in range(100)])
    truth = heat_capacity_peak(pooled, grid, n_boot=0).beta
    hits = 0
    for r in range(REPS):
        p = heat_capacity_peak(rem_energies(64, 200, 1.0, 300_000 + r), grid, n_boot=100, seed=r)
        hits += abs(p.beta - truth) <= 1.96 * p.beta_err
    assert _in_wilson(hits, REM_196) and wilson_interval(hits, REPS)[1] >= 0.95


def _ar1(rng: np.random.Generator, T: int, tau: float) -> np.ndarray:
    """``[REPS, T]`` stationary Gaussian AR(1) series of unit variance, τ_int = tau."""
    from scipy.signal import lfilter

    phi = (2 * tau - 1) / (2 * tau + 1)
    z = rng.standard_normal((REPS, T)) * math.sqrt(1 - phi**2)
    z[:, 0] = rng.standard_normal(REPS)
    return lfilter([1.0], [1.0, -phi], z, axis=1)


@pytest.mark.slow
@pytest.mark.parametrize("T, tau", list(ISING))
def test_ising_jackknife_error_coverage(T, tau):
    from isingformer.physics.ising.observables import ising_estimates

    n_spins, beta, sd = 64, 0.44, 0.05
    rng = np.random.default_rng(7)
    xe, xm = _ar1(rng, T, tau), _ar1(rng, T, tau)
    hits = {"specific_heat": 0, "energy_per_spin": 0}
    bins = []
    for r in range(REPS):
        out = ising_estimates(
            (-1.5 + sd * xe[r]) * n_spins, (0.6 + 0.05 * xm[r]) * n_spins, beta, n_spins
        )
        bins.append(out["n_bins"])
        for key, true in (("specific_heat", beta**2 * n_spins * sd**2), ("energy_per_spin", -1.5)):
            hits[key] += abs(out[key].mean - true) <= 1.96 * out[key].err
    n_bins, c_hits, e_hits = ISING[(T, tau)]
    assert int(np.median(bins)) == n_bins
    assert _in_wilson(hits["specific_heat"], c_hits) and _in_wilson(hits["energy_per_spin"], e_hits)
