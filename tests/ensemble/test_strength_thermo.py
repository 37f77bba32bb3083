"""Mutation-strength tests of the ensemble core: each pins a formula against
an independent computation so that a plausible slip in it fails."""

from __future__ import annotations

import numpy as np
import torch

from isingformer.ensemble import thermodynamics


def test_float32_recurrence_stays_exact_over_a_long_uniform_grid():
    """On a uniform grid the weights advance multiplicatively and are
    recomputed every few steps; without those resyncs the rounding of the
    step ratio compounds (over 20 000 float32 steps: relative error ~1e-4).
    Against direct float64 Gibbs sums the float32 curves stay within 1e-5."""
    rng = np.random.default_rng(0)
    E = rng.random((4, 64))
    grid = np.linspace(0.0, 20.0, 20001)
    w = np.exp(-grid[None, :, None] * (E - E.min(-1, keepdims=True))[:, None, :])  # [4, k, 64]
    z = w.sum(-1)
    mean = (w * E[:, None, :]).sum(-1) / z
    ref = {
        "log_z": np.log(z) - grid[None, :] * E.min(-1, keepdims=True),
        "energy": mean,
        "var_energy": (w * E[:, None, :] ** 2).sum(-1) / z - mean**2,
    }
    f32 = thermodynamics(torch.from_numpy(E).float(), torch.from_numpy(grid).float())
    for name, b in ref.items():
        a = getattr(f32, name).double().numpy()
        rel = float((np.abs(a - b) / np.maximum(np.abs(b), 1e-3)).max())
        assert rel < 1e-5, (name, rel)
