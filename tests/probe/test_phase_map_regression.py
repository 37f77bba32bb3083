"""Regression: the MiniLM attention phase-map numbers stated in README.md and
docs/analyze.md ("Findings on all-MiniLM-L6-v2"), recomputed with the library
at the stated settings (packaged all-MiniLM-L6-v2, 32 Shakespeare passages of
128 tokens, seed 0, the defaults of ``isingformer analyze``).

The analysis is deterministic for a fixed seed (seeded row subsets and
bootstrap), so the phase counts are asserted exactly and every other number to
the digits it is stated with (tolerance half a unit of the last digit).
"""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.probe import analyze_attention

pytestmark = pytest.mark.regression


def _digits(value: float, stated: float, places: int) -> bool:
    """``value`` rounds to ``stated`` at ``places`` decimals (half-unit tolerance)."""
    return abs(value - stated) <= 0.5 * 10.0**-places + 1e-12


@pytest.fixture(scope="module")
def pm():
    return analyze_attention(n_texts=32, max_tokens=128, seed=0)


def test_phase_counts(pm):
    assert pm.n_layers * pm.n_heads == 72
    assert pm.n_texts == 32 and pm.config["max_tokens"] == 128
    assert pm.counts() == {"disordered": 28, "near-critical": 33, "ordered": 11}
    assert all(h.beta_model == pytest.approx(32**-0.5) for h in pm.heads)
    assert _digits(pm.heads[0].beta_model, 0.177, 3)


def test_ratio_model_to_peak(pm):
    r = np.array([h.ratio for h in pm.heads])
    assert _digits(float(np.median(r)), 0.89, 2)
    assert _digits(float(r.min()), 0.22, 2)
    assert _digits(float(r.max()), 4.2, 1)


def test_peaks_against_rem_freezing_point(pm):
    q = np.array([h.beta_peak / h.beta_c_rem for h in pm.heads])
    assert _digits(float(np.median(q)), 0.68, 2)
    assert _digits(float(q.min()), 0.37, 2)
    assert _digits(float(q.max()), 0.99, 2)
    # "bootstrap errors of β* are about 1 % of β* (median)"
    rel = np.median([h.beta_peak_err / h.beta_peak for h in pm.heads])
    assert 0.005 <= rel < 0.015


def test_by_layer(pm):
    def layer(i):
        return [h for h in pm.heads if h.layer == i]

    hot = [h for h in layer(0) if h.phase == "disordered"]
    assert len(hot) == 10
    assert _digits(float(np.mean([h.entropy_fraction for h in hot])), 0.9, 1)
    assert _digits(min(h.beta_peak for h in hot), 0.27, 2)
    assert _digits(max(h.beta_peak for h in hot), 0.82, 2)
    frozen = layer(0)[2]
    assert frozen.phase == "ordered"
    assert _digits(frozen.max_weight_at_model_beta, 1.00, 2)
    assert _digits(frozen.entropy_fraction, 0.00, 2)
    assert _digits(frozen.beta_peak, 0.04, 2)
    ordered = [h for h in pm.heads if h.phase == "ordered"]
    middle = [h for h in ordered if h.layer in (1, 2)]
    assert len(middle) == 9  # "layers 1–2 hold most of the ordered heads" (9 of 11)
    weights = [h.max_weight_at_model_beta for h in middle]
    assert _digits(min(weights), 0.40, 2) and _digits(max(weights), 0.75, 2)
    assert sum(h.phase == "near-critical" for h in layer(3) + layer(4)) == 21
    assert all(h.phase == "disordered" for h in layer(5))
    last = [h.beta_peak for h in layer(5)]
    assert _digits(min(last), 0.23, 2) and _digits(max(last), 0.34, 2)
    assert _digits(float(np.mean([h.entropy_fraction for h in layer(5)])), 0.78, 2)


def test_finite_size(pm):
    fs = pm.finite_size
    assert [f["n_tokens"] for f in fs] == [16, 32, 64, 128]
    beta = [float(np.mean(f["beta_peak"])) for f in fs]
    rem = [float(np.mean(f["beta_c_rem"])) for f in fs]
    for got, stated in zip(beta, (0.2075, 0.2219, 0.2335, 0.2372), strict=True):
        assert _digits(got, stated, 4)
    for got, stated in zip(rem, (0.30, 0.35, 0.37, 0.38), strict=True):
        assert _digits(got, stated, 2)
    # "the median over heads of β*/β_c REM stays near 0.66–0.69"
    ratio = [float(np.median(np.divide(f["beta_peak"], f["beta_c_rem"]))) for f in fs]
    assert all(0.655 <= x < 0.695 for x in ratio)
    # growth of the mean β* per layer from N = 16 to 128, in percent
    b16, b128 = np.array(fs[0]["beta_peak"]), np.array(fs[-1]["beta_peak"])
    growth = 100.0 * (b128.mean(1) / b16.mean(1) - 1.0)
    assert _digits(float(growth[0]), 29, 0)  # layer 0: 29 %
    assert _digits(float(growth[3]), 4, 0) and _digits(float(growth[4]), 5, 0)
    assert _digits(float(growth[5]), 16, 0)
