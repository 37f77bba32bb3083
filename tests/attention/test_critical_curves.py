"""The heat-capacity curves of the critical-β calibration come from the fused
kernel's sums directly: the same numbers, bit for bit, as
``thermodynamics(...).heat_capacity`` (uniform and non-uniform grids, float32
and float64, with and without a mask)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from isingformer.attention.energies import _heat_capacity
from isingformer.ensemble import thermodynamics


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("grid", [np.linspace(0.1, 5.0, 40), np.geomspace(0.1, 5.0, 40)])
@pytest.mark.parametrize("masked", [False, True])
def test_curves_equal_thermodynamics(dtype, grid, masked):
    gen = torch.Generator().manual_seed(0)
    E = torch.randn(300, 50, generator=gen, dtype=torch.float64).to(dtype)  # [R, K]
    M = None
    if masked:
        M = torch.rand(300, 50, generator=gen) > 0.3
        M[..., 0] = True
    got = _heat_capacity(E, M, grid)
    want = thermodynamics(E, grid, M).heat_capacity.double()
    assert got.shape == (300, 40) and got.dtype == torch.float64
    assert torch.equal(got, want)
