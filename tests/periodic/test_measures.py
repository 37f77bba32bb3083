"""The periodic measures on synthetic cases with exact answers."""

import math

import numpy as np
import pytest
import torch
from scipy.optimize import brentq

from isingformer.errors import InputError
from isingformer.periodic import (
    attention_entropy,
    causal_allowed,
    decay_length,
    distance_profile,
    mean_distance,
    peak_beta,
    peak_fwhm,
    rounding_exponent,
    row_heat_capacity,
    tenths_spread,
    wrap_fraction,
)


def test_entropy_of_uniform_causal_rows_is_log_of_key_count():
    t = 12
    h = attention_entropy(torch.zeros(2, t, t), causal_allowed(t))
    expect = torch.log(torch.arange(1, t + 1, dtype=torch.float64))
    torch.testing.assert_close(h[0], expect)
    torch.testing.assert_close(h[1], expect)


def test_two_level_heat_capacity_peak_and_curve():
    gap = 1.7
    # C = (βΔ)² e^{−βΔ} / (1 + e^{−βΔ})², peak where x tanh(x/2) = 2
    x_star = brentq(lambda x: x * math.tanh(x / 2) - 2, 1.0, 4.0)
    logits = torch.tensor([[0.0, -gap], [0.0, -gap]], dtype=torch.float64)
    allowed = torch.tensor([[True, True], [True, True]])
    betas = np.geomspace(0.05, 20, 401)
    c = row_heat_capacity(logits, allowed, betas).numpy()
    x = betas * gap
    exact = x**2 * np.exp(-x) / (1 + np.exp(-x)) ** 2
    np.testing.assert_allclose(c[0], exact, rtol=1e-10, atol=1e-14)
    b = peak_beta(betas, c)
    np.testing.assert_allclose(b, x_star / gap, rtol=1e-4)


def test_masked_keys_do_not_count_and_single_key_rows_have_no_peak():
    t = 6
    logits = torch.randn(t, t, generator=torch.Generator().manual_seed(1))
    betas = np.geomspace(0.1, 10, 41)
    c = row_heat_capacity(logits, causal_allowed(t), betas).numpy()
    assert np.all(c[0] == 0)  # one key: no fluctuation
    assert np.isnan(peak_beta(betas, c)[0])
    changed = logits.clone()
    changed[3, 5] = 99.0  # a future key of row 3
    c2 = row_heat_capacity(changed, causal_allowed(t), betas).numpy()
    np.testing.assert_array_equal(c[3], c2[3])


def test_fwhm_of_a_gaussian_peak():
    b = np.linspace(0.5, 3.5, 3001)
    s, b0 = 0.2, 2.0
    y = np.exp(-((b - b0) ** 2) / (2 * s * s))
    w = peak_fwhm(b, y[None])[0]
    assert w == pytest.approx(2 * math.sqrt(2 * math.log(2)) * s / b0, rel=1e-4)
    assert np.isnan(peak_fwhm(b, np.exp(-b)[None])[0])  # no left crossing


def test_tenths_spread():
    assert tenths_spread(np.full(50, 3.0)) == 0.0
    v = np.ones(100)
    v[:10] = 1.5
    assert tenths_spread(v) == pytest.approx(0.5)
    with pytest.raises(InputError):
        tenths_spread(np.ones(5))


@pytest.mark.parametrize("xi", [1.5, 4.0])
def test_decay_length_recovered_on_the_ring(xi):
    # On a ring every row has the same normaliser, so the mean weight at
    # circular distance d is exactly ∝ e^{−d/ξ}.
    from isingformer.attention.bias import circular_distance

    t = 24
    d = circular_distance(t).double()
    logits = (-d / xi)[None].expand(3, t, t)  # [H, T, T]
    allowed = torch.ones(t, t, dtype=torch.bool)
    prof = distance_profile(logits, allowed, periodic=True)
    assert prof.shape == (3, t // 2 + 1)
    for h in range(3):
        assert decay_length(prof[h], d_max=t // 2 - 1) == pytest.approx(xi, rel=1e-9)
    assert decay_length(np.ones(10)) == math.inf
    assert math.isnan(decay_length(np.array([1.0, 0.5])))


def test_mean_distance_uniform():
    t = 10
    allowed = causal_allowed(t)
    md = mean_distance(torch.zeros(1, t, t), allowed, min_keys=2)
    # row i (i >= 1) has mean lag i/2; average over i = 1..9 is 2.5
    assert float(md[0]) == pytest.approx(2.5)
    full = torch.ones(t, t, dtype=torch.bool)
    mc = mean_distance(torch.zeros(1, t, t), full, periodic=True)
    # circular distances on a ring of 10: 0,1,2,3,4,5,4,3,2,1 -> mean 2.5
    assert float(mc[0]) == pytest.approx(2.5)


def test_rounding_exponent_exact_and_noisy():
    n = np.array([8, 16, 32, 64, 128])
    r = rounding_exponent(n, 3.0 * n**-0.5)
    assert r["theta"] == pytest.approx(0.5)
    assert r["ci"][0] == pytest.approx(0.5) and r["ci"][1] == pytest.approx(0.5)
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(200):
        w = 2.0 * n**-0.7 * np.exp(0.1 * rng.standard_normal(n.size))
        lo, hi = rounding_exponent(n, w)["ci"]
        hits += lo <= 0.7 <= hi
    assert 180 <= hits <= 200  # nominal 95 % coverage (binomial sd ~3)
    assert rounding_exponent([8, 16], [1.0, 0.5])["ci"] is None


def test_wrap_fraction_counts_far_pairs():
    t = 8
    r = wrap_fraction(torch.zeros(1, t, t), causal_allowed(t))
    # lags 5, 6, 7 occur 3, 2, 1 times among the 36 causal pairs
    assert r["pair_fraction"] == pytest.approx(6 / 36)
    # uniform rows: row i puts (i - 4)/(i + 1) of its mass at lag > 4
    expect = np.mean([max(i - 4, 0) / (i + 1) for i in range(t)])
    assert r["mass_fraction"] == pytest.approx(expect)
