"""Mutation-strength test of the finite-size fit's χ² per degree of freedom."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.ensemble import fit_finite_size


def test_fixed_exponent_fit_is_weighted_least_squares_with_n_minus_2_dof():
    """With ω fixed, y = y_∞ + a N^(−ω) is linear in (y_∞, a): the fit is the
    weighted least-squares solution, and χ²/dof divides by n − 2."""
    n = np.array([16.0, 32.0, 64.0, 128.0, 256.0])
    y = -0.76 + 0.5 * n ** (-2 / 3) + np.array([0.003, -0.002, 0.001, -0.003, 0.002])
    err = np.array([0.002, 0.002, 0.001, 0.001, 0.001])
    X = np.column_stack([np.ones_like(n), n ** (-2 / 3)]) / err[:, None]
    coef, *_ = np.linalg.lstsq(X, y / err, rcond=None)
    chi2 = float(np.sum((X @ coef - y / err) ** 2))
    fit = fit_finite_size(n, y, err, form="power", exponent=2 / 3)
    assert fit.y_inf == pytest.approx(coef[0], abs=1e-9)
    assert fit.amplitude == pytest.approx(coef[1], rel=1e-7)
    assert fit.chi2_per_dof == pytest.approx(chi2 / 3, rel=1e-7)
