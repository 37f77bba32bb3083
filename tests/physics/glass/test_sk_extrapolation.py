"""SK extrapolation: balanced disorder samples and errors with fit systematics."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.physics.glass.spinglass import extrapolate_ground_state, samples_per_size


def test_samples_are_balanced_for_similar_errors() -> None:
    per = samples_per_size([32, 64, 128, 256], 20)
    assert per == {32: 160, 64: 160, 128: 57, 256: 20}
    # the spread of e_N falls ~ N^-3/4, so sd/sqrt(samples) is about equal below the cap
    se = {n: n**-0.75 / np.sqrt(k) for n, k in per.items()}
    assert se[128] / se[256] == pytest.approx(1.0, rel=0.02)
    assert samples_per_size([32, 64], 20, balance=False) == {32: 20, 64: 20}


def test_systematic_error_covers_a_wrong_exponent() -> None:
    """Data made with exponent 1 but fitted with 2/3: the statistical error
    alone would exclude the truth, the total error must not (at 2 sigma)."""
    n = np.array([32, 64, 128, 256])
    truth = -0.7632
    mean = truth + 0.9 * n**-1.0
    err = np.full(n.size, 0.0005)
    r = extrapolate_ground_state(n, mean, err)
    assert abs(r["e_inf"] - truth) > 3 * r["e_inf_stat_err"]
    assert abs(r["e_inf"] - truth) < 2 * r["e_inf_err"]
    assert set(r["e_inf_variants"]) == {"exponent=0.5", "exponent=1", "without N=32"}
    assert r["e_inf_err"] == pytest.approx(np.hypot(r["e_inf_stat_err"], r["e_inf_syst_err"]))


def test_exact_form_has_no_systematic_from_dropping_a_size() -> None:
    n = np.array([32, 64, 128])
    r = extrapolate_ground_state(n, -0.76 + 0.8 * n ** (-2 / 3), [1e-4] * 3)
    assert r["e_inf"] == pytest.approx(-0.76, abs=1e-9)
    assert r["e_inf_variants"]["without N=32"] == pytest.approx(-0.76, abs=1e-9)
