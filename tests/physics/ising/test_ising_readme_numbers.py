"""Regression tier: README.md's "Kaufman's finite-torus Z equals enumeration
to ~1e-15" (2D Ising bullet), on the tori docs/ising.md names (4×4, 4×5,
3×6) from T = 0.8 to 10 including T_c. "~1e-15" is read on a log scale: the
relative difference of ln Z must be below 10^−14.5 ≈ 3·10⁻¹⁵.
"""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.physics import enumerate_exact, square_ising, torus_thermodynamics
from isingformer.physics.ising import onsager

TEMPS = np.array([0.8, 1.5, 2.0, onsager.CRITICAL_TEMPERATURE, 2.5, 3.5, 10.0])


@pytest.mark.regression
@pytest.mark.parametrize("L,M", [(4, 4), (4, 5), (3, 6)])
def test_kaufman_z_equals_enumeration_to_1e_15(L: int, M: int) -> None:
    exact = enumerate_exact(square_ising(L, M), 1.0 / TEMPS).log_z
    kaufman = torus_thermodynamics(L, M, TEMPS).log_z_per_spin * (L * M)
    assert np.max(np.abs(kaufman / exact - 1.0)) < 10**-14.5
