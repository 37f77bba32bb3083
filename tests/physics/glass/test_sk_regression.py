"""Regression tier: the SK ground-state extrapolation stated in README.md.

README / docs/glass.md: e_∞ = E_INF ± ERR (statistical and systematic in
quadrature; N = 32-256, balanced disorder samples, seed 1). Recomputed at
reduced size (N = 32-128, 15 samples at N = 128 and balanced below, another
seed); both errors include the fit systematics, tolerance 2 combined errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.physics.glass.spinglass import PARISI_E_INF, sk_study

E_INF, ERR = -0.7666, 0.0145


@pytest.mark.regression
def test_sk_extrapolation_agrees_with_readme_and_parisi() -> None:
    r = sk_study([32, 64, 128], samples=15, seed=5, executor="serial", progress=False)
    assert r["samples_per_size"] == {32: 120, 64: 42, 128: 15}
    assert all(p["agree_fraction"] >= 0.9 for p in r["points"])
    assert abs(r["e_inf"] - E_INF) < 2 * np.hypot(ERR, r["e_inf_err"])
    assert abs(r["e_inf"] - PARISI_E_INF) < 2 * r["e_inf_err"]
