"""Mutation-strength test of the detector's bootstrap bands and peak interval."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.phases import detect_from_terms


def test_percentile_bands_are_the_central_95_percent():
    """Each prompt p contributes a parabola −(x − c_p)² to the linear term and
    the constant c_p to the others: every resample's peak is then exactly the
    resampled mean Σ w_p c_p, whose bootstrap law is normal to a good
    approximation (200 prompts), so the 2.5–97.5 % range is the mean ±
    1.96·sd (sd = population sd of c / √P); with 4000 resamples the
    half-width is 1.96 ± 0.04 sd."""
    P, n_boot = 200, 4000
    c = 6.0 + 0.4 * np.random.default_rng(0).uniform(-0.5, 0.5, P)
    grid = np.arange(13.0)
    pts = grid[1:-1]
    linear = 10.0 - (pts[:, None] - c[None, :]) ** 2  # [11, P]
    flat = np.broadcast_to(c, (pts.size, P))
    det = detect_from_terms(grid, {"tv": flat, "js": flat, "linear": linear}, n_boot=n_boot)
    sd = c.std() / np.sqrt(P)
    (peak,) = det.peaks
    assert peak["value"] == pytest.approx(c.mean(), rel=1e-9)  # exact vertex of the mean
    lo, hi = peak["ci"]
    assert 1.85 < (hi - lo) / 2 / sd < 2.07
    band = det.bands["tv"][:, 0]
    assert 1.85 < (band[1] - band[0]) / 2 / sd < 2.07
