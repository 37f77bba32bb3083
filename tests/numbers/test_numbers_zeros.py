"""Certified ζ zeros, N(T) against Riemann–von Mangoldt, and spacing laws."""

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.numbers import (
    gaudin_cdf,
    ks_table,
    pair_correlation,
    riemann_von_mangoldt,
    spacings,
    unfold_polynomial,
    zeta_zeros,
)
from isingformer.numbers.spacing import SPACING_CDFS


def test_first_zeros_certified_and_counted():
    r = zeta_zeros(60)
    # REFERENCES.md: first zero 14.134725141734693790457...
    assert abs(r["zeros"][0] - 14.134725141734693790457) <= r["radius"] + 4e-15
    assert r["all_on_critical_line"] is True
    assert r["n_count"] == 60
    assert r["radius"] < 1e-12
    # N(γ_n) ∈ [n − 1, n]; |N − N̄| is bounded by Trudgian's S(T) bound
    assert r["max_rvm_residual"] <= 0.5 + r["backlund_bound_at_height"]
    assert np.all(np.diff(r["zeros"]) > 0)


def test_riemann_von_mangoldt_smooth_count():
    assert riemann_von_mangoldt(2 * math.pi * math.e) == pytest.approx(7 / 8)


@pytest.mark.parametrize("bad", [0, -3, 10**6])
def test_count_out_of_range(bad):
    with pytest.raises(InputError):
        zeta_zeros(bad)


def test_gaudin_law_small_s_and_surmise():
    s = np.linspace(0.05, 3, 60)
    exact = gaudin_cdf(s)
    # the Wigner surmise is within 0.2 % of the exact GUE law (Mehta)
    assert np.max(np.abs(exact - SPACING_CDFS["gue"](s))) < 2e-3
    # p(s) ≈ (π²/3) s² for small s ⇒ F(s) ≈ π² s³/9
    assert gaudin_cdf(0.05) == pytest.approx(math.pi**2 * 0.05**3 / 9, rel=0.01)
    assert np.all(np.diff(exact) > 0)


def test_ks_separates_poisson_from_gue_samples():
    rng = np.random.default_rng(1)
    poisson = rng.exponential(size=2000)
    # GUE spacings by inverse transform of the surmise CDF
    grid = np.linspace(0, 5, 5001)
    gue = np.interp(rng.random(2000), SPACING_CDFS["gue"](grid), grid)
    tp, tg = ks_table(poisson, n_boot=50), ks_table(gue, n_boot=50)
    assert tp["poisson"]["d"] < 0.04 < tp["gue"]["d"]
    assert tg["gue"]["d"] < 0.04 < tg["poisson"]["d"]
    assert tg["gue"]["lo"] <= tg["gue"]["d"] <= tg["gue"]["hi"] or tg["gue"]["lo"] > 0


def test_unfolding_and_pair_correlation_of_a_picket_fence():
    t = np.linspace(0, 1, 500)
    x = unfold_polynomial(t + 0.1 * t**2)
    s = spacings(x)
    assert s.mean() == pytest.approx(1.0)
    assert np.std(s) < 0.05
    pc = pair_correlation(np.arange(2000.0), r_max=2.5, bins=5)
    assert pc["r2"][0] == 0.0 and pc["r2"][2] > 1.5  # spike at r = 1


def test_exact_goe_law_moments_and_small_s():
    s = np.linspace(0.0, 6.0, 1201)
    F = gaudin_cdf(s, ensemble="goe")
    p = np.gradient(F, s)
    mean = np.trapezoid(s * p, s)
    var = np.trapezoid(s * s * p, s) - mean**2
    assert mean == pytest.approx(1.0, abs=1e-3)
    assert var == pytest.approx(0.286, abs=2e-3)  # GOE spacing variance (Mehta)
    # p(s) ≈ (π²/6) s ⇒ F(s) ≈ π² s²/12
    assert gaudin_cdf(0.02, ensemble="goe") == pytest.approx(math.pi**2 * 0.02**2 / 12, rel=0.02)
    assert np.max(np.abs(F - SPACING_CDFS["goe"](s))) < 0.02
    with pytest.raises(InputError):
        gaudin_cdf(1.0, ensemble="gse")


def test_ks_interval_states_its_method_and_needs_enough_resamples():
    s = np.random.default_rng(2).exponential(size=200)
    many = ks_table(s, n_boot=50, exact_gue=False)["poisson"]
    assert many["n"] == 200 and many["n_boot"] == 50 and "percentile bootstrap" in many["method"]
    assert many["lo"] <= many["hi"]
    few = ks_table(s, n_boot=1, exact_gue=False)["poisson"]  # was a one-point "interval"
    assert few["lo"] is None and few["hi"] is None and few["d"] == many["d"]
