"""The Ising specific-heat figure draws the exact finite-torus curves on a fine grid
(their peaks resolved, not cut flat by a 40-point polyline), keeps the Monte Carlo
points as measured, and the float64 Kaufman curve it draws equals the mpmath one."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from isingformer.physics.ising.kaufman import torus_specific_heat, torus_thermodynamics
from isingformer.physics.ising.report import specific_heat_figure


@pytest.mark.parametrize("shape", [(3, 5), (6, 4), (16, 16)])
def test_float_kaufman_specific_heat_equals_mpmath(shape) -> None:
    T = np.array([0.5, 2.269185314213022, 2.4, 50.0])
    exact = torus_thermodynamics(*shape, T).specific_heat_per_spin
    assert np.abs(torus_specific_heat(*shape, T) - exact).max() < 1e-10


def test_exact_curves_resolve_their_peaks_and_mc_points_stay() -> None:
    T = [1.8, 2.0, 2.2, 2.3, 2.4, 2.6, 2.8]  # a coarse MC grid, as the main job's
    c = [[0.5, 0.8, 1.3, 1.4, 1.1, 0.7, 0.5], [0.5, 0.8, 1.6, 1.7, 1.0, 0.6, 0.4]]
    study = {"dim": 2, "sizes": [8, 16], "temperatures": T,
             "curves": {"specific_heat": c, "specific_heat_err": [[0.05] * 7] * 2}}  # fmt: skip
    fig = specific_heat_figure(study)
    (ax,) = fig.get_axes()
    solid = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-" and len(ln.get_xdata()) > 7]
    assert len(solid) == 2
    for L, line in zip((8, 16), solid, strict=True):
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert len(x) >= 400 and x.min() == 1.8 and x.max() == 2.8
        best = minimize_scalar(lambda t, L=L: -torus_specific_heat(L, L, [t])[0],
                               bounds=(2.2, 2.5), method="bounded", options={"xatol": 1e-6})  # fmt: skip
        assert y.max() == pytest.approx(-best.fun, rel=1e-4)  # the drawn peak is the true one
    mc = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert [list(ln.get_ydata()) for ln in mc] == c  # the Monte Carlo points as given
    lo, hi = ax.get_ylim()
    assert lo == 0 and 1.7 < hi < 2.2  # the divergent L = ∞ curve does not squash the rest
    plt.close(fig)
