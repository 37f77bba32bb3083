"""PeakAccumulator: the heat-capacity peak fed a block of rows at a time
equals heat_capacity_peak on all rows at once (same bootstrap counts)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from isingformer.ensemble import heat_capacity_peak, rem_energies, thermodynamics
from isingformer.ensemble.critical import PeakAccumulator
from isingformer.errors import InputError


def test_blocks_equal_all_rows_at_once():
    E = torch.as_tensor(rem_energies(64, 90, seed=1))  # [rows, n]
    betas = np.linspace(0.05, 4.0, 50)
    C = thermodynamics(E, betas).heat_capacity  # [R, k]
    ref = heat_capacity_peak(E, betas, n_boot=40, seed=5, refine=False)
    acc = PeakAccumulator(betas, C.shape[0], 2, n_boot=40, seed=5)
    for r0 in range(0, 90, 13):
        block = C[r0 : r0 + 13]
        acc.add(torch.stack([block, 2 * block]), r0)
    for family, scale in ((0, 1.0), (1, 2.0)):
        got = acc.result(family)
        assert got.beta == pytest.approx(ref.beta, rel=1e-12)
        assert got.beta_err == pytest.approx(ref.beta_err, rel=1e-9)
        assert got.value == pytest.approx(scale * ref.value, rel=1e-12)
        assert got.value_err == pytest.approx(scale * ref.value_err, rel=1e-9)
        assert got.n_rows == 90 and got.at_edge == ref.at_edge


def test_shapes_are_checked():
    acc = PeakAccumulator(np.linspace(0.1, 1, 5), 10, n_boot=3)
    with pytest.raises(InputError):
        acc.add(torch.zeros(1, 4, 6), 0)
    with pytest.raises(InputError):
        acc.add(torch.zeros(1, 4, 5), 8)


def test_vectorized_parabolic_peaks_equal_the_scalar_one():
    from isingformer.ensemble.critical import parabolic_peak, parabolic_peaks

    rng = np.random.default_rng(0)
    x = np.linspace(0.1, 3.0, 9)
    Y = rng.normal(size=(200, 9))
    Y[0] = np.arange(9.0)  # peak on the upper edge
    Y[1] = -np.arange(9.0)  # on the lower edge
    Y[2] = np.abs(np.arange(9.0) - 4)  # a minimum: the parabola opens upwards
    Y[3, 4] = np.nan
    bx, by = parabolic_peaks(x, Y)
    for row, px, py in zip(Y, bx, by, strict=True):
        sx, sy, _ = parabolic_peak(x, row)
        assert (px, py) == (sx, sy)
