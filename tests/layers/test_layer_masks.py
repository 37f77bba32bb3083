"""Per-layer masks in the attention reading (sliding-window and local layers):
each layer's softmax runs over its own keys, the summed softmax of depth d over
the keys some layer l ≤ d sees; checked against exact answers at β → 0."""

import pytest
import torch

from isingformer.errors import InputError
from isingformer.layers.controls import perturbed_family
from isingformer.layers.rollout import rollout_tv


def _window(n: int, w: int) -> torch.Tensor:
    i = torch.arange(n)
    return (i[None, :] <= i[:, None]) & (i[:, None] - i[None, :] < w)


def test_per_layer_windows_at_infinite_temperature():
    """Layer 1 a causal window of 3, layer 2 fully causal: at β → 0 the rollout
    of depth 2 is U₂U₁, the summed softmax the uniform average over the union
    of the two masks (here layer 2's)."""
    n = 9
    masks = torch.stack([_window(n, 3), _window(n, n)])
    U = [m.double() / m.sum(-1, keepdim=True) for m in masks]
    union = masks[0] | masks[1]
    P = union.double() / union.sum(-1, keepdim=True)
    exact = [float(0.5 * (U[0] - U[0]).abs().sum(-1).mean()),
             float(0.5 * (U[1] @ U[0] - P).abs().sum(-1).mean())]  # fmt: skip
    tv = rollout_tv(-perturbed_family(2, n, 1.0, seed=3), 1e-12, masks)
    assert exact[1] > 0.05
    torch.testing.assert_close(tv, torch.tensor(exact, dtype=torch.float64), rtol=1e-9, atol=1e-12)
    # one layer's own mask, not layer 0's, makes the difference
    shared = rollout_tv(-perturbed_family(2, n, 1.0, seed=3), 1e-12, masks[0])
    assert abs(float(shared[1]) - exact[1]) > 0.05


@pytest.mark.parametrize("per_head", [False, True])
def test_equal_per_layer_masks_are_one_shared_mask(per_head):
    H = perturbed_family(3, 8, 1.0, seed=4)
    S = -torch.stack([H, 0.3 * H], dim=1) if per_head else -H
    m = _window(8, 4)
    torch.testing.assert_close(
        rollout_tv(S, 1.7, m.expand(3, 8, 8), per_head=per_head),
        rollout_tv(S, 1.7, m, per_head=per_head),
        rtol=0,
        atol=0,
    )


def test_per_layer_masks_must_match_the_layers():
    with pytest.raises(InputError, match="2 layer masks for 3 layers"):
        rollout_tv(-perturbed_family(3, 6, 1.0, seed=5), 1.0, torch.ones(2, 6, 6, dtype=bool))


def test_heads_of_one_layer_with_different_keys_are_refused():
    """The head sum of eq. 5 needs one mask per layer; a layer whose heads see
    different keys is refused in one line (no model of the matrix does this)."""
    from types import SimpleNamespace

    from isingformer.errors import ModelLoadError
    from isingformer.layers.capture import _check_supported

    same = torch.ones(1, 2, 4, 4, dtype=torch.bool)
    differ = same.clone()
    differ[0, 1] = _window(4, 2)
    rec = SimpleNamespace(sink=None)
    _check_supported("m", SimpleNamespace(records=[rec, rec], allowed=[same, same]))
    with pytest.raises(ModelLoadError, match=r"heads of layers \[1\] of m see different keys"):
        _check_supported("m", SimpleNamespace(records=[rec, rec], allowed=[same, differ]))
