"""Property tests (Hypothesis) of the statements of Gibbs.v on the functions they justify."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from isingformer.attention.energies import attention_energies
from isingformer.ensemble import gibbs_probabilities

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
energies = st.lists(finite, min_size=1, max_size=12)
betas = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(energies, betas)
def test_weights_positive_and_sum_to_one(es: list[float], beta: float) -> None:
    """gibbs_weights_positive, gibbs_sum_one."""
    p = gibbs_probabilities(torch.tensor(es, dtype=torch.float64), [beta])[0]
    assert p.sum().item() == pytest.approx(1.0, abs=1e-12)
    # positive in exact arithmetic; in float64 a weight can underflow only past e^-745
    spread = abs(beta) * (max(es) - min(es))
    if spread < 700:
        assert (p > 0).all()


@SETTINGS
@given(energies, betas, st.floats(-100, 100, allow_nan=False))
def test_shift_invariance(es: list[float], beta: float, c: float) -> None:
    """gibbs_shift_invariant."""
    e = torch.tensor(es, dtype=torch.float64)
    p = gibbs_probabilities(e, [beta])[0]
    q = gibbs_probabilities(e + c, [beta])[0]
    assert torch.allclose(p, q, rtol=0, atol=1e-9)


@SETTINGS
@given(
    st.integers(1, 4),
    st.integers(1, 6),
    st.integers(1, 8),
    st.integers(0, 2**31 - 1),
)
def test_attention_is_gibbs_at_inverse_sqrt_dk(heads: int, length: int, dk: int, seed: int) -> None:
    """softmax_is_gibbs, attention_is_gibbs: softmax(QK^T/sqrt d_k) equals the Gibbs
    distribution of E = -q·k (attention_energies) at β = 1/sqrt d_k."""
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(1, heads, length, dk, generator=g, dtype=torch.float64)
    k = torch.randn(1, heads, length, dk, generator=g, dtype=torch.float64)
    attn = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dk), dim=-1)
    beta = 1.0 / math.sqrt(dk)
    gibbs = gibbs_probabilities(attention_energies(q, k), [beta])[..., 0, :]
    assert torch.allclose(gibbs, attn, rtol=0, atol=1e-12)
