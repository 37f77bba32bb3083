"""The REM study reproduces Derrida's theory."""

import itertools
import math

import numpy as np
import pytest

from isingformer.ensemble import (
    rem_beta_c,
    rem_energies,
    rem_entropy_limit,
    rem_study,
    thermodynamics,
)
from isingformer.errors import InputError


def test_beta_c_formula():
    assert rem_beta_c(1024, 1.0) == pytest.approx(math.sqrt(2 * math.log(1024)))
    assert rem_beta_c(64, 2.0) == pytest.approx(math.sqrt(2 * math.log(64)) / 2)
    with pytest.raises(InputError):
        rem_beta_c(1)
    with pytest.raises(InputError):
        rem_beta_c(16, 0.0)


def test_large_n_entropy_matches_exact_limit():
    """S/ln N = 1 − (β/β_c)² for β ≤ β_c/2 (mean of 8 rows, three seeds):
    within 0.03 at N = 2^12 and 0.01 at N = 2^18; and the deviation near β_c
    shrinks as N grows. (Z stops self-averaging at β = β_c/√2, so rows
    scatter more as β → β_c/√2; 1/√N^(1−2x²) sets the tolerance.)"""
    x = np.linspace(0.05, 1.4, 28)
    dev = {}
    for n in (2**12, 2**18):
        for seed in range(3):
            E = rem_energies(n, 8, 1.0, seed)
            th = thermodynamics(E, x * rem_beta_c(n)).mean()
            d = th.entropy.numpy() / math.log(n) - rem_entropy_limit(x)
            assert np.abs(d[x <= 0.5]).max() < (0.03 if n == 2**12 else 0.01), (n, seed)
            dev.setdefault(n, []).append(np.abs(d[(x > 0.6) & (x < 1.2)]).mean())
    assert np.mean(dev[2**18]) < np.mean(dev[2**12])


def test_peak_rises_toward_beta_c():
    study = rem_study(
        [16, 64, 256, 1024], samples=200, seed=0, executor="serial", progress=False, n_boot=100
    )
    peaks = [p.beta_peak for p in study.points]
    errs = [p.beta_peak_err for p in study.points]
    for p in study.points:
        assert p.beta_peak < p.beta_c_theory  # below the freezing point
        assert 0.6 < p.beta_peak / p.beta_c_theory < 1.0
        assert not p.peak_at_edge
    # rises with N, by more than the combined error between the extreme sizes
    assert all(b > a for a, b in itertools.pairwise(peaks))
    assert peaks[-1] - peaks[0] > 3 * math.hypot(errs[0], errs[-1])
    # peak height grows (C jumps by 2 ln N in the limit)
    heights = [p.c_max for p in study.points]
    assert all(b > a for a, b in itertools.pairwise(heights))
    assert study.ratio_fit is not None and math.isfinite(study.ratio_fit.y_inf_err)


def test_reference_values_from_references_md():
    """σ = 1, 200 rows: peak ≈ 2.37 at N = 64, 2.55 at 256, 2.78 at 1024 (other seeds)."""
    for n, ref in ((64, 2.37), (256, 2.55), (1024, 2.78)):
        vals = [
            rem_study([n], 200, seed=s, executor="serial", progress=False, n_boot=20).points[0]
            for s in range(3)
        ]
        mean = np.mean([v.beta_peak for v in vals])
        err = np.mean([v.beta_peak_err for v in vals])
        assert abs(mean - ref) < 3 * err + 0.03, (n, mean, ref)
