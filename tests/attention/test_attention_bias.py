"""Positional biases: ALiBi slopes, circular distance, periodic bias."""

import math

import pytest
import torch

from isingformer.attention import (
    alibi_slopes,
    circular_distance,
    make_positional_bias,
)
from isingformer.errors import InputError


def test_alibi_slopes_power_of_two():
    assert torch.allclose(
        alibi_slopes(8), torch.tensor([2.0 ** -(k + 1) for k in range(8)], dtype=torch.float64)
    )
    assert torch.allclose(
        alibi_slopes(4), torch.tensor([0.25, 0.0625, 0.015625, 0.00390625], dtype=torch.float64)
    )


def test_alibi_slopes_not_power_of_two():
    # reference: slopes(8) followed by slopes(16)[0::2][:4]
    s16 = [2.0 ** (-0.5 * (k + 1)) for k in range(16)]
    expected = [2.0 ** -(k + 1) for k in range(8)] + s16[0::2][:4]
    got = alibi_slopes(12)
    assert torch.allclose(got, torch.tensor(expected, dtype=torch.float64))
    assert len(set(got.tolist())) == 12  # all distinct
    assert alibi_slopes(1).tolist() == [2.0**-8]
    s6 = alibi_slopes(6).tolist()
    assert s6[:4] == [0.25, 0.0625, 0.015625, 0.00390625]
    assert s6[4:] == pytest.approx([2.0**-1, 2.0**-3])


def test_circular_distance_matches_definition():
    for n in (1, 2, 5, 8, 13):
        d = circular_distance(n)
        for i in range(n):
            for j in range(n):
                assert d[i, j] == min(abs(i - j), n - abs(i - j))
    assert torch.equal(circular_distance(6), circular_distance(6).T)


def test_causal_circular_only_changes_far_pairs():
    n = 11
    d = circular_distance(n)
    i, j = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
    causal = j <= i
    changed = (d != (i - j).abs()) & causal
    assert torch.equal(changed, causal & ((i - j) > n / 2))


def test_periodic_bias_linear_and_exponential():
    slopes = [0.5, 1.0]
    lin = make_positional_bias("periodic", 2, slopes=slopes)(7)
    d = circular_distance(7).float()
    assert torch.allclose(lin[0], -0.5 * d) and torch.allclose(lin[1], -1.0 * d)
    ex = make_positional_bias("periodic", 2, slopes=slopes, decay="exponential", amplitude=3.0)(7)
    assert torch.allclose(ex[1], 3.0 * (torch.exp(-d) - 1))
    # periodic bias is translation invariant on the circle
    b = lin[0]
    assert torch.allclose(torch.roll(b, shifts=(2, 2), dims=(0, 1)), b)
    fixed = make_positional_bias("periodic", 2, slopes=slopes, period=4)(6)
    assert fixed[1, 0, 4] == 0.0 and fixed[1, 0, 3] == -1.0


def test_alibi_bias_symmetric():
    b = make_positional_bias("alibi", 3)(5)
    assert torch.allclose(b, b.transpose(-1, -2))
    assert b[0, 4, 0] == pytest.approx(-4 * alibi_slopes(3)[0].item())
    assert make_positional_bias("none", 3)(5) is None


def test_learnable_slopes_get_gradients():
    bias = make_positional_bias("periodic", 2, learnable=True)
    bias(6).sum().backward()
    assert bias.slopes.grad is not None and torch.isfinite(bias.slopes.grad).all()


@pytest.mark.parametrize(
    "kw",
    [
        {"decay": "cubic"},
        {"slopes": [1.0, 2.0, 3.0]},
        {"period": 0},
        {"bogus": 1},
        {"amplitude": -1},
    ],
)
def test_bad_options(kw):
    with pytest.raises(InputError):
        make_positional_bias("periodic", 2, **kw)


def test_unknown_bias():
    with pytest.raises(InputError, match="unknown positional bias"):
        make_positional_bias("rope", 2)
    assert math.isfinite(alibi_slopes(5).sum().item())
