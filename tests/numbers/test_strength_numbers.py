"""Mutation-strength tests of the numbers package against exact identities."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from isingformer.numbers import (
    fermionic_primon,
    lee_yang,
    primon,
    ring_zero_angles,
    spacings,
    truncated_primon,
)


def test_spacings_are_rescaled_to_mean_one():
    """Levels 0, 1, 3, 4, 8: raw spacings 1, 2, 1, 4 (mean 2) → 0.5, 1, 0.5, 2."""
    s = spacings([0.0, 1.0, 3.0, 4.0, 8.0])
    np.testing.assert_allclose(s, [0.5, 1.0, 0.5, 2.0], rtol=1e-15)


def test_fermionic_energy_and_variance_relations():
    """ln Z_F(β) = ln Z_B(β) − ln Z_B(2β) (Z_F = ζ(s)/ζ(2s)), so
    U_F(β) = U_B(β) − 2 U_B(2β) and Var_F(β) = Var_B(β) − 4 Var_B(2β)."""
    b = 2.5
    f, b1, b2 = fermionic_primon(b), primon(b), primon(2 * b)
    assert f.energy == pytest.approx(b1.energy - 2 * b2.energy, abs=1e-13)
    assert f.var_energy == pytest.approx(b1.var_energy - 4 * b2.var_energy, abs=1e-13)


def test_truncation_tail_bounds_hold_near_the_hagedorn_point():
    """Close to s = 1 the tails are large: at s = 1.2, N = 1000 the exact
    tails Σ_{n>N} n^(−s) = ζ(s) − Z_N and Σ_{n>N} ln n · n^(−s) = −ζ′(s) − Σ_{n≤N}
    lie below the integral bounds, which are tight to ~f(N)."""
    beta, n_max = 1.2, 1000
    t = truncated_primon(beta, n_max)
    n = np.arange(1, n_max + 1, dtype=np.float64)
    with mpmath.workdps(30):
        zeta, dzeta = float(mpmath.zeta(beta)), float(mpmath.zeta(beta, derivative=1))
    z_tail = zeta - float(np.sum(n**-beta))
    e_tail = -dzeta - float(np.sum(np.log(n) * n**-beta))
    assert z_tail <= t["z_tail"] <= z_tail + n_max**-beta
    assert e_tail <= t["e_tail"] <= e_tail + math.log(n_max) * n_max**-beta


def test_lee_yang_ring_uses_u_equal_exp_minus_2j_over_t():
    """The ring's zeros in z = e^(−2βh) follow cos(θ_k/2) = sqrt(1 − u²)
    cos(π(2k+1)/2N) with u = e^(−2J/T) (transfer matrix): compare the
    computed zeros with the closed form at that u (J = 1, T = 1.5, N = 12)."""
    res = lee_yang("ring", 12, 1.5)
    u = math.exp(-2.0 / 1.5)
    assert float(Fraction(res["u"])) == pytest.approx(u, abs=1e-9)
    got = np.sort(np.abs(np.arctan2([z[1] for z in res["zeros"]], [z[0] for z in res["zeros"]])))
    theta = ring_zero_angles(12, u)
    want = np.sort(np.minimum(theta, 2 * np.pi - theta))
    np.testing.assert_allclose(got, want, atol=1e-8)


def test_ks_distance_equals_scipy_kstest():
    """The KS distance to the Poisson law e^(−s) is scipy's one-sample
    statistic sup|F_n − F| (both one-sided parts)."""
    from scipy import stats

    from isingformer.numbers import ks_table

    s = np.random.default_rng(3).exponential(size=60) * 1.1
    table = ks_table(s, n_boot=0, exact_gue=False)
    assert table["poisson"]["d"] == pytest.approx(stats.kstest(s, "expon").statistic, rel=1e-12)
    # a point mass far above the law's bulk: the distance is F(5) = 1 − e^(−5),
    # reached just below the jump (the F − (i − 1)/n side at i = 1)
    d = ks_table(np.full(20, 5.0), n_boot=0, exact_gue=False)["poisson"]["d"]
    assert d == pytest.approx(1.0 - math.exp(-5.0), rel=1e-12)


def test_pair_correlation_gue_law():
    """GUE two-point function 1 − (sin πr/πr)² at the bin centres."""
    from isingformer.numbers import pair_correlation

    out = pair_correlation(np.arange(50, dtype=float), r_max=3.0, bins=6)
    want = [1 - (math.sin(math.pi * r) / (math.pi * r)) ** 2 for r in out["r"]]
    np.testing.assert_allclose(out["gue"], want, rtol=1e-12)
    assert out["r"][0] == pytest.approx(0.25)


@pytest.mark.parametrize("eps", [1e-2, 1e-3])
def test_hagedorn_heat_capacity(eps):
    """ln ζ(s) = −ln ε + γε + O(ε²), so C = s² (ln ζ)″ = s²/ε² + O(1): the
    asymptotic form and the certified value differ by less than 1."""
    from isingformer.numbers import hagedorn_asymptotics

    p, a = primon(1 + eps), hagedorn_asymptotics(1 + eps)
    assert abs(p.heat_capacity - a["heat_capacity"]) < 1.0
    assert abs(p.log_z - a["log_z"]) < 2 * eps
