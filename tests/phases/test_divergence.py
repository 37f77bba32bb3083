"""The indicators against closed forms."""

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.phases import (
    detect_from_terms,
    fisher_from_linear,
    jensen_shannon,
    linear_divergence,
    total_variation,
    window_terms,
)


def test_closed_forms_on_two_outcomes():
    p, q = np.array([0.9, 0.1]), np.array([0.5, 0.5])
    assert total_variation(p, q) == pytest.approx(0.4)
    assert linear_divergence(p, q) == pytest.approx(0.5 * (0.16 / 1.4 + 0.16 / 0.6))
    m = np.array([0.7, 0.3])
    kl = lambda a, b: float(np.sum(a * np.log2(a / b)))  # noqa: E731
    assert jensen_shannon(p, q) == pytest.approx(0.5 * (kl(p, m) + kl(q, m)))
    disjoint = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert total_variation(*disjoint) == 1 and jensen_shannon(*disjoint) == pytest.approx(1)
    assert linear_divergence(*disjoint) == pytest.approx(1)
    assert total_variation(p, p) == 0 and jensen_shannon(p, p) == 0 and linear_divergence(p, p) == 0


def test_batched_over_leading_axes():
    rng = np.random.default_rng(0)
    p, q = rng.dirichlet(np.ones(7), size=(3, 4)), rng.dirichlet(np.ones(7), size=(3, 4))
    for f in (total_variation, jensen_shannon, linear_divergence):
        out = f(p, q)
        assert out.shape == (3, 4)
        assert out[2, 1] == pytest.approx(float(f(p[2, 1], q[2, 1])))


def test_linear_indicator_tends_to_the_fisher_information():
    # Bernoulli p(λ) = sigmoid(λ): F(λ) = p (1 − p)
    lam, h = 0.7, 1e-3
    p = lambda x: np.array([1 / (1 + math.exp(-x)), 1 - 1 / (1 + math.exp(-x))])  # noqa: E731
    s = 1 / (1 + math.exp(-lam))
    F = fisher_from_linear(linear_divergence(p(lam - h), p(lam + h)), h)
    assert pytest.approx(s * (1 - s), rel=1e-5) == F


def test_detector_on_a_known_fisher_peak():
    # a softmax family with F(λ) = Var(z) p-weighted: two levels, F peaks where p = 1/2
    grid = np.linspace(-3, 3, 25)
    rng = np.random.default_rng(1)
    shifts = rng.normal(0, 0.3, size=40)  # 40 "prompts" with crossovers at their shift

    def dist(j):
        s = 1 / (1 + np.exp(-(grid[j] - shifts)))
        return np.stack([s, 1 - s], axis=-1)  # [P, 2]

    det = detect_from_terms(grid, window_terms(dist, grid.size), n_boot=300)
    peak = det.peaks[0]
    step = grid[1] - grid[0]
    assert peak["ci"][0] - step <= float(np.mean(shifts)) <= peak["ci"][1] + step
    assert abs(peak["value"] - float(np.mean(shifts))) < 0.25  # one grid step
    for name in ("tv", "js", "linear"):
        lo, hi = det.bands[name]
        assert np.all(lo <= det.indicators[name] + 1e-12)
        assert np.all(det.indicators[name] <= hi + 1e-12)
    exact = np.mean(
        [
            (1 / (1 + np.exp(-(x - shifts)))) * (1 - 1 / (1 + np.exp(-(x - shifts))))
            for x in det.points
        ],
        axis=1,
    )
    np.testing.assert_allclose(det.fisher, exact, rtol=0.03)


def test_grid_needs_five_increasing_points():
    with pytest.raises(InputError, match="at least 5"):
        detect_from_terms([1, 2, 3, 4], {"tv": np.zeros((2, 3))})
    with pytest.raises(InputError, match="increasing"):
        detect_from_terms([1, 2, 2, 4, 5], {"tv": np.zeros((3, 3))})


@pytest.mark.regression  # docs/phases.md "Speed": the stated agreement with the reference
@pytest.mark.parametrize(
    ("seed", "scale", "grid"),
    [
        (0, 4.0, np.geomspace(0.1, 10.0, 9)),
        (1, 4.0, np.geomspace(0.1, 10.0, 9)),
        (2, 4.0, np.linspace(0.9, 1.1, 7)),  # close neighbours: small divergences
        (3, 40.0, np.geomspace(0.05, 20.0, 11)),  # peaked: probabilities near 0 and 1
    ],
)
def test_temperature_terms_equal_the_reference_path(seed, scale, grid):
    """The compiled all-temperatures path equals window_terms of the per-grid-point
    softmax (the straightforward float64 reference) to 1e-5 relative, 3e-8
    absolute (float32 probabilities: half an ulp of a probability near 1),
    including a masked logit and a vocabulary that is not a multiple of the
    kernel's vector width or chunk."""
    import torch

    from isingformer.phases.lm import temperature_distributions, temperature_terms

    g = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(3, 5, 300, generator=g, dtype=torch.float64)
    logits[0, 0, 7] = -float("inf")  # a masked token: probability 0 at every T
    fast = temperature_terms(logits, grid)
    ref = window_terms(temperature_distributions(logits, grid), grid.size)
    for name in ("tv", "js", "linear"):
        assert fast[name].shape == (grid.size - 2, 3)
        np.testing.assert_allclose(fast[name], ref[name], rtol=1e-5, atol=3e-8)


def test_temperature_terms_on_threads_equal_one_thread():
    """Rows split over threads (torch's count) give the very same numbers."""
    import torch

    from isingformer.phases.lm import temperature_terms
    from isingformer.threads import set_threads

    logits = 3.0 * torch.randn(4, 9, 200, generator=torch.Generator().manual_seed(5))
    grid = np.geomspace(0.3, 3.0, 7)
    n = torch.get_num_threads()
    try:
        set_threads(1)
        one = temperature_terms(logits, grid)
        set_threads(2)
        two = temperature_terms(logits, grid)
    finally:
        set_threads(n)
    for name in ("tv", "js", "linear"):
        np.testing.assert_array_equal(one[name], two[name])
