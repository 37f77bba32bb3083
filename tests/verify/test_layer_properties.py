"""Property tests (Hypothesis) of the statements of LayerProduct.v on
``isingformer.layers.boltzmann_product`` / ``boltzmann_sum``."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from isingformer.layers import boltzmann_product, boltzmann_sum, commutator

SETTINGS = settings(max_examples=40, deadline=None)
P = torch.tensor([[1.0, 0.0], [0.0, 0.0]], dtype=torch.float64)
Q = torch.full((2, 2), 0.5, dtype=torch.float64)


def _matrix(pair) -> torch.Tensor:
    log_scale, m = pair
    return math.exp(float(log_scale)) * m


@SETTINGS
@given(
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=2, max_size=8),
    st.integers(1, 4),
    st.floats(0.01, 3, allow_nan=False),
)
def test_commuting_layers_product_is_exp_of_sum(entries, layers: int, beta: float) -> None:
    """commuting_layers_exp_sum, scalar_layers_exp_sum: diagonal layers, any L."""
    n = len(entries) // 2
    d = torch.tensor(entries[: 2 * n], dtype=torch.float64).reshape(2, n)
    H = torch.diag_embed(torch.stack([d[i % 2] * (1 + i) for i in range(layers)]))
    prod = _matrix(boltzmann_product(H, beta))
    total = _matrix(boltzmann_sum(H, beta))
    assert torch.allclose(prod, total, rtol=1e-10, atol=0)


@SETTINGS
@given(st.floats(0.01, 5, allow_nan=False))
def test_the_counterexample_to_eq13(beta: float) -> None:
    """layers_do_not_commute, eq13_false_without_commutation, layer_product_asymmetry."""
    assert commutator(P, Q).abs().max().item() == pytest.approx(0.5)
    H = torch.stack([P, Q])
    prod = _matrix(boltzmann_product(H, beta))
    total = _matrix(boltzmann_sum(H, beta))
    gap = math.expm1(-beta) ** 2 / 2
    assert (prod[0, 1] - prod[1, 0]).item() == pytest.approx(gap, rel=1e-9, abs=1e-15)
    assert (total[0, 1] - total[1, 0]).abs().item() <= 1e-15
    assert (prod - total).abs().max().item() >= gap / 2
