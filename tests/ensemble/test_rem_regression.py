"""Regression tier: the README's REM heat-capacity peaks (seed-ensemble means)."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.ensemble import rem_study

# README: β* of the row-averaged C(β) (σ = 1, 200 rows), mean ± standard error
# over 20 seeds (0-19) and the seed-to-seed SD.
README = {64: (2.321, 0.014, 0.060), 256: (2.544, 0.011, 0.047), 1024: (2.768, 0.010, 0.043)}
SEEDS = range(20, 26)  # 6 other seeds: reduced size, independent draws


@pytest.mark.regression
def test_readme_rem_peaks_are_seed_ensemble_means() -> None:
    peaks = np.array(
        [
            [
                p.beta_peak
                for p in rem_study(
                    list(README), 200, seed=s, executor="serial", progress=False, n_boot=10
                ).points
            ]
            for s in SEEDS
        ]
    )
    for j, (n, (mean, se, sd)) in enumerate(README.items()):
        got = peaks[:, j].mean()
        # difference of two independent means: 3 combined standard errors
        tol = 3 * np.hypot(se, sd / np.sqrt(len(SEEDS)))
        assert abs(got - mean) < tol, (n, got, mean, tol)
