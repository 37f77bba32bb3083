"""Mutation-strength tests of the critical-point finders against exact answers."""

from __future__ import annotations

import math

import numpy as np

from isingformer.ensemble import heat_capacity_peak, order_parameter_onset


def test_onset_interpolates_between_the_right_grid_points():
    """Two levels {0, 1}: the largest weight is 1/(1 + e^(−β)), which reaches
    0.9 at β = ln 9 exactly. On a coarse grid (step 0.1) the linear
    interpolation between the bracketing points is within 1e-3 of it; an
    interpolation anchored at the wrong end is off by a whole step."""
    E = np.array([[0.0, 1.0]] * 3)
    onset = order_parameter_onset(E, np.linspace(0.1, 5.0, 50), threshold=0.9, n_boot=0)
    assert abs(onset.beta - math.log(9.0)) < 1e-3
    assert not onset.at_edge


def _two_level_rows(gaps) -> np.ndarray:
    """Rows of two levels {0, gap}: C(β) = (βg)² e^(−βg)/(1 + e^(−βg))²."""
    return np.array([[0.0, g] for g in gaps])


def test_bootstrap_can_draw_every_row():
    """Nine identical rows and one different one: a bootstrap over rows moves
    the peak only through how often it draws the odd row, so its error bar is
    clearly positive (about 0.035 in C, seeds 0-4); a resampler that never
    draws the last row gives 0 up to rounding."""
    E = _two_level_rows([1.0] * 9 + [3.0])
    cp = heat_capacity_peak(E, np.linspace(0.2, 6.0, 60), n_boot=50, seed=1, refine=False)
    assert cp.beta_err > 0.01
    assert cp.value_err > 0.01


def test_cluster_bootstrap_of_identical_rows_has_no_spread():
    """Identical rows in clusters of unequal sizes (1, 2, 3, 4 rows): every
    resample's mean curve is the same curve, so both error bars are 0 (to
    rounding) — the resampled sum must be divided by the rows actually drawn,
    not by the total number of rows."""
    E = _two_level_rows([1.5] * 10)
    groups = [0, 1, 1, 2, 2, 2, 3, 3, 3, 3]
    cp = heat_capacity_peak(
        E, np.linspace(0.2, 6.0, 60), n_boot=40, seed=2, refine=False, groups=groups
    )
    assert math.isfinite(cp.value_err) and cp.value_err < 1e-12
    assert math.isfinite(cp.beta_err) and cp.beta_err < 1e-9


def test_cluster_bootstrap_needs_three_clusters():
    """Two clusters give no error bar (report values, not an interval)."""
    E = _two_level_rows([1.0, 1.2, 1.4, 1.6])
    cp = heat_capacity_peak(
        E, np.linspace(0.2, 6.0, 60), n_boot=40, refine=False, groups=[0, 0, 1, 1]
    )
    assert math.isnan(cp.beta_err) and math.isnan(cp.value_err)
    three = heat_capacity_peak(
        E, np.linspace(0.2, 6.0, 60), n_boot=40, refine=False, groups=[0, 1, 1, 2]
    )
    assert three.beta_err > 0


def test_onset_bootstrap_error_matches_the_spread_over_datasets():
    """80 independent data sets of 30 two-level rows (gaps uniform in
    [0.5, 1.5]): the mean bootstrap error of the onset agrees with the
    standard deviation of the onsets across the data sets (ratio ~1; the
    estimate of the spread itself is good to ~8 %)."""
    rng = np.random.default_rng(0)
    grid = np.linspace(0.2, 4.0, 96)
    onsets, errs = [], []
    for _ in range(80):
        E = _two_level_rows(rng.uniform(0.5, 1.5, 30))
        cp = order_parameter_onset(
            E, grid, threshold=0.8, n_boot=100, seed=int(rng.integers(2**30))
        )
        onsets.append(cp.beta)
        errs.append(cp.beta_err)
    ratio = float(np.mean(errs)) / float(np.std(onsets, ddof=1))
    assert 0.7 < ratio < 1.4, ratio
