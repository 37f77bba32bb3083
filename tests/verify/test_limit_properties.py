"""Property tests (Hypothesis) of the statements of Limits.v on
``isingformer.ensemble.gibbs_probabilities`` and ``thermodynamics``."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from isingformer.ensemble import gibbs_probabilities, thermodynamics

# integer-spaced energies: a gap of at least 1 above the ground level
levels = st.lists(st.integers(-5, 5), min_size=1, max_size=10)
SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(levels)
def test_low_temperature_concentrates_on_the_minima(es: list[int]) -> None:
    """gibbs_excited_weight_vanishes, gibbs_ground_weight_limit: at β = 40 (gap ≥ 1)
    the excited keys carry < N e^-40 and each of the m minima 1/m within that."""
    e = torch.tensor(es, dtype=torch.float64)
    beta = 40.0
    p = gibbs_probabilities(e, [beta])[0]
    ground = e == e.min()
    m = int(ground.sum())
    bound = len(es) * math.exp(-beta)
    assert p[~ground].sum().item() <= bound
    assert torch.allclose(p[ground], torch.full((m,), 1 / m, dtype=torch.float64), atol=bound)
    t = thermodynamics(e, [beta])
    assert t.max_weight[0].item() == pytest.approx(1 / m, abs=bound)


@SETTINGS
@given(levels)
def test_weights_decrease_towards_their_limits(es: list[int]) -> None:
    """The excited mass decreases monotonically in β (it is the tail the
    limit theorem sends to 0); the ground mass increases towards 1."""
    e = torch.tensor(es, dtype=torch.float64)
    p = gibbs_probabilities(e, [0.5, 1.0, 2.0, 4.0, 8.0])
    excited = p[:, e != e.min()].sum(-1)
    assert (excited[1:] <= excited[:-1] + 1e-15).all()


@SETTINGS
@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=10))
def test_high_temperature_tends_to_uniform(es: list[float]) -> None:
    """gibbs_high_temperature_limit: |p_i(β) - 1/N| <= e^(β·spread) - 1 → 0 as β → 0."""
    e = torch.tensor(es, dtype=torch.float64)
    spread = max(es) - min(es)
    for beta in (1e-3, 1e-6, 0.0):
        p = gibbs_probabilities(e, [beta])[0]
        assert (p - 1 / len(es)).abs().max().item() <= math.expm1(beta * spread) + 1e-15
