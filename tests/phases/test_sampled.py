"""The detector from sampled multi-token continuations against the exact answer
(enumeration of every continuation of a small toy LM)."""

import itertools

import numpy as np
import pytest
import torch

from isingformer.errors import InputError
from isingformer.phases import jensen_shannon, linear_divergence, total_variation
from isingformer.phases.sampled import sampled_temperature_terms, sequence_logprobs
from isingformer.phases.validation import TwoPhaseLM

M, LENGTH = 5, 2  # vocabulary 6, continuations of 2 tokens: 36 per prompt
GRID = np.geomspace(0.4, 3.0, 7)


def _exact(model, idx: torch.Tensor) -> dict[str, np.ndarray]:
    P, S = idx.shape
    conts = torch.tensor(list(itertools.product(range(M + 1), repeat=LENGTH)))  # [K, L]
    K = conts.shape[0]
    seqs = torch.cat([idx.repeat_interleave(K, 0), conts.repeat(P, 1)], dim=1)
    p = sequence_logprobs(model, seqs, S, GRID).view(GRID.size, P, K).exp().numpy()
    assert np.allclose(p.sum(axis=-1), 1.0)  # the enumeration is complete
    funcs = {"tv": total_variation, "js": jensen_shannon, "linear": linear_divergence}
    return {k: f(p[:-2], p[2:]) for k, f in funcs.items()}  # [G − 2, P]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sampled_indicators_match_the_exact_ones(seed):
    model = TwoPhaseLM(m=M, a=2.0, spread=0.5, seed=seed)
    idx = torch.randint(0, M + 1, (4, 3), generator=torch.Generator().manual_seed(seed))
    exact = _exact(model, idx)
    est = sampled_temperature_terms(model, idx, GRID, n_samples=400, length=LENGTH, seed=seed)
    for name in ("tv", "js", "linear"):
        z = (est[name] - exact[name]) / est[f"{name}_se"]
        assert np.all(np.abs(z) < 4.0), (name, z)  # 60 comparisons per seed
        assert abs(z.mean()) < 4.0 / np.sqrt(z.size) + 0.5, (name, z.mean())
    assert exact["linear"].max() > 0.05  # the comparison is not trivial


def test_bad_input():
    model = TwoPhaseLM(m=M)
    idx = torch.zeros((2, 2), dtype=torch.long)
    with pytest.raises(InputError):
        sampled_temperature_terms(model, idx, [0.5, 1.0])
    with pytest.raises(InputError):
        sampled_temperature_terms(model, idx, GRID, n_samples=1)
