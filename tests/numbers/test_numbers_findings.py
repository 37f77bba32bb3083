"""Recompute every number that README.md and docs/numbers.md state about
`isingformer numbers` (regression tier: same sizes as the statements)."""

import math

import pytest

from isingformer.numbers import (
    gaps_study,
    ks_table,
    spacings,
    theta_scaling,
    unfold_zeta,
    zeta_zeros,
)
from isingformer.numbers.gaps import ising_row_walls
from isingformer.numbers.report import _t_interval

TC = 2 / math.log(1 + math.sqrt(2))


@pytest.mark.regression
def test_theta_exponent_as_stated():
    # docs: y_h = 1.874 ± 0.008 (fit choice) from L = 2..6; exact 15/8
    r = theta_scaling([2, 3, 4, 5, 6])
    assert round(r["y_h"], 3) == 1.874
    assert round(r["y_h_spread"], 3) == 0.008
    assert abs(r["y_h"] - 15 / 8) < r["y_h_spread"]


@pytest.mark.regression
def test_zeta_spacing_ks_as_stated():
    # docs: first 1000 zeros, KS to GUE 0.043, GOE 0.111, Poisson 0.322, exact GUE 0.045
    z = zeta_zeros(1000)
    assert z["all_on_critical_line"] is True
    t = ks_table(spacings(unfold_zeta(z["zeros"])), n_boot=1)
    assert round(t["gue"]["d"], 3) == 0.043
    assert round(t["goe"]["d"], 3) == 0.111
    assert round(t["poisson"]["d"], 3) == 0.322
    assert round(t["gue_exact"]["d"], 3) == 0.045


@pytest.mark.regression
def test_prime_gap_findings_as_stated():
    # docs: primes to 1e8 (top decade, n = 5 076 787 gaps): KS HL 0.019,
    # Cramér mod 2 (= 1D Ising walls) 0.064, Cramér 0.059; multiples of 6
    # 44.0 % vs 29.4 %; CV² of g/ln p 0.723 (models 0.887, 0.802)
    r = gaps_study(10**8)
    top = r["top_window"]
    assert r["n_primes"] == 5761455 and top["n_gaps"] == 5076787
    assert round(r["ks"]["hardy_littlewood"], 3) == 0.019
    assert round(r["ks"]["cramer_mod2"], 3) == 0.064
    assert round(r["ks"]["cramer"], 3) == 0.059
    assert round(100 * top["share_multiple_of_6"]["primes"], 1) == 44.0
    assert round(100 * top["share_multiple_of_6"]["cramer_mod2"], 1) == 29.4
    assert round(top["normalised_cv2"], 3) == 0.723
    assert round(top["model_normalised_cv2"]["cramer_mod2"], 3) == 0.887
    assert round(top["model_normalised_cv2"]["hardy_littlewood"], 3) == 0.802


@pytest.mark.regression
def test_critical_row_walls_cluster_as_stated():
    # docs: 2D Ising rows at T_c, L = 32, 3 seeds: CV² = 1.43 ± 0.05 (Student-t 95 %)
    cv = [ising_row_walls(32, TC, seed=s)["cv2"] for s in range(3)]
    text = _t_interval(cv)
    mean = sum(cv) / 3
    assert text.startswith(f"{mean:.3f}")
    assert abs(mean - 1.43) < 0.05
    assert min(cv) > 1.0  # walls cluster: more variable than independent walls
