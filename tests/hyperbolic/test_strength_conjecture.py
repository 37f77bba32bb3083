"""Mutation-strength test of the unweighted scaling fit (textbook OLS)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from isingformer.hyperbolic import fit_scaling


def test_unweighted_fit_is_ols_with_n_minus_3_dof():
    """log β = a − p log sqrt|κ| − q log λ over 7 cells: coefficients, and
    95 % intervals coef ± t_{0.975, n−3}·sqrt(s²·[(XᵀX)⁻¹]_jj) with
    s² = RSS/(n − 3), computed here by hand."""
    kappa = np.array([-0.25, -0.5, -1.0, -2.0, -4.0, -1.0, -0.5])
    lam = np.array([2.0, 3.0, 2.0, 4.0, 3.0, 5.0, 5.0])
    scatter = np.array([0.03, -0.05, 0.02, 0.04, -0.01, -0.04, 0.02])
    beta = np.exp(0.3 - 0.9 * np.log(np.sqrt(-kappa)) - 1.1 * np.log(lam) + scatter)
    X = np.column_stack([np.ones(7), -np.log(np.sqrt(-kappa)), -np.log(lam)])
    y = np.log(beta)
    coef = np.linalg.solve(X.T @ X, X.T @ y)
    resid = y - X @ coef
    se = np.sqrt(np.diag(float(resid @ resid) / 4 * np.linalg.inv(X.T @ X)))
    t = stats.t.ppf(0.975, 4)
    fit = fit_scaling(kappa, lam, beta)
    assert fit["n"] == 7
    assert fit["p"] == pytest.approx(coef[1], rel=1e-10)
    assert fit["q"] == pytest.approx(coef[2], rel=1e-10)
    assert fit["p_ci"] == pytest.approx([coef[1] - t * se[1], coef[1] + t * se[1]], rel=1e-9)
    assert fit["q_ci"] == pytest.approx([coef[2] - t * se[2], coef[2] + t * se[2]], rel=1e-9)
