"""Property tests (Hypothesis) of the statements of MultiHead.v on
``isingformer.ensemble.thermodynamics`` and ``gibbs_probabilities``."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from isingformer.ensemble import gibbs_probabilities, thermodynamics

head = st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=6)
SETTINGS = settings(max_examples=50, deadline=None)


def _joint(heads: list[list[float]]) -> torch.Tensor:
    """Energies of every joint configuration: Σ_h E_h(s_h), flattened."""
    total = torch.zeros(1, dtype=torch.float64)
    for es in heads:
        e = torch.tensor(es, dtype=torch.float64)
        total = (total[:, None] + e[None, :]).reshape(-1)
    return total


@SETTINGS
@given(
    st.lists(head, min_size=1, max_size=3),
    st.one_of(st.just(0.0), st.floats(1e-3, 4, allow_nan=False)),
)
def test_log_partition_and_free_energy_add_over_heads(heads, beta: float) -> None:
    """partition_two_heads, partition_heads_product, log_partition_additive."""
    joint = thermodynamics(_joint(heads), [beta])
    parts = [thermodynamics(torch.tensor(es, dtype=torch.float64), [beta]) for es in heads]
    total = sum(p.log_z[0].item() for p in parts)
    assert abs(joint.log_z[0].item() - total) <= 1e-10 * (1 + abs(total))
    if beta > 0:
        f = sum(p.free_energy[0].item() for p in parts)
        assert abs(joint.free_energy[0].item() - f) <= 1e-9 * (1 + abs(f)) / beta


@SETTINGS
@given(head, head, st.floats(-4, 4, allow_nan=False))
def test_joint_gibbs_is_the_product(es1, es2, beta: float) -> None:
    """gibbs_heads_independent."""
    p = gibbs_probabilities(_joint([es1, es2]), [beta])[0]
    p1 = gibbs_probabilities(torch.tensor(es1, dtype=torch.float64), [beta])[0]
    p2 = gibbs_probabilities(torch.tensor(es2, dtype=torch.float64), [beta])[0]
    assert torch.allclose(p, (p1[:, None] * p2[None, :]).reshape(-1), rtol=1e-12, atol=1e-300)
