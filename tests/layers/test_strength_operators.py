"""Mutation-strength test of the Trotter bound on a pair with a closed form."""

from __future__ import annotations

import math

import pytest
import torch

from isingformer.layers import trotter_bound_log10


@pytest.mark.parametrize(("beta", "n"), [(0.5, 1), (1.3, 4)])
def test_trotter_bound_of_pauli_z_and_x(beta, n):
    """H⁽¹⁾ = σ_z, H⁽²⁾ = σ_x: ‖[σ_z, σ_x]‖ = ‖2iσ_y‖ = 2, both centred already
    with ‖H⁽ˡ⁾‖ = 1, and ‖e^(−β(σ_z+σ_x))‖ = e^(β√2). The first-order bound
    (β²/2n)·Σ‖[H,H']‖·e^(βΣ‖H‖)/‖S‖ is (β²/2n)·2·e^(β(2 − √2))."""
    H = torch.tensor([[[1.0, 0.0], [0.0, -1.0]], [[0.0, 1.0], [1.0, 0.0]]], dtype=torch.float64)
    want = math.log10(beta**2 / (2 * n) * 2 * math.exp(beta * (2 - math.sqrt(2))))
    assert float(trotter_bound_log10(H, beta, n)) == pytest.approx(want, abs=1e-12)
