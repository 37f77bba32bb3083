"""Mutation-strength test of the detector's bands and peak interval."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from isingformer.phases import detect_from_terms


def test_bands_and_peak_interval_against_their_formulas():
    """Each prompt p contributes a parabola −(x − c_p)² to the linear term and
    the constant c_p to the others. The bands are Hall's skewness-corrected
    Student-t interval of the mean over the P prompts at level 99 % (the
    conservative 95 % band from 32 prompts), exactly. Every
    resample's peak is exactly the resampled mean Σ w_p c_p, whose bootstrap
    sd (times sqrt(P/(P−1))) is s/√P up to ~1.1 % at 4000 resamples, so the
    peak interval x̂ ± (t·se + step/4) has (half − 1/4)/(s/√P) = t ± 0.05."""
    P, n_boot = 200, 4000
    c = 6.0 + 0.4 * np.random.default_rng(0).uniform(-0.5, 0.5, P)
    grid = np.arange(13.0)  # step 1
    pts = grid[1:-1]
    linear = 10.0 - (pts[:, None] - c[None, :]) ** 2  # [11, P]
    flat = np.broadcast_to(c, (pts.size, P))
    det = detect_from_terms(grid, {"tv": flat, "js": flat, "linear": linear}, n_boot=n_boot)
    sem = c.std(ddof=1) / np.sqrt(P)
    t = stats.t.ppf(0.975, P - 1)
    tb = stats.t.ppf(0.995, P - 1)  # the band's quantile (band_level(200) = 0.99)
    band = det.bands["tv"][:, 0]
    # Hall's skewness-corrected t: x̄ − sem·g⁻¹(±t), g⁻¹(y) = (∛(1 + 3a(y − γ/(6√P))) − 1)/a,
    # a = γ/(3√P), γ the sample skewness (divisor P)
    d = c - c.mean()
    gamma = np.mean(d**3) / np.mean(d**2) ** 1.5
    a = gamma / (3 * np.sqrt(P))

    def g_inv(y):
        return (np.cbrt(1 + 3 * a * (y - gamma / (6 * np.sqrt(P)))) - 1) / a

    assert band == pytest.approx(
        [c.mean() - sem * g_inv(tb), c.mean() - sem * g_inv(-tb)], rel=1e-12
    )
    # near the plain Student-t interval for these near-symmetric values
    assert band == pytest.approx([c.mean() - tb * sem, c.mean() + tb * sem], abs=0.05 * tb * sem)
    (peak,) = det.peaks
    assert peak["value"] == pytest.approx(c.mean(), rel=1e-9)  # exact vertex of the mean
    lo, hi = peak["ci"]
    assert (hi + lo) / 2 == pytest.approx(c.mean(), rel=1e-9)
    assert abs(((hi - lo) / 2 - 0.25) / sem - t) < 0.05
