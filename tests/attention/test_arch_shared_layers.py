"""ALBERT runs one attention module for several layers: a per-layer β
(``[L, H]`` or a callable of the layer index) cannot address its layers and
is refused; before, every layer silently ran at row 0 of the β."""

import pytest
import torch

from isingformer.errors import InputError

transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def albert():
    import isingformer.attention  # noqa: F401  (registers "isingformer")

    cfg = transformers.AlbertConfig(
        vocab_size=100, embedding_size=16, hidden_size=32, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=64,
    )  # fmt: skip
    torch.manual_seed(0)
    return transformers.AutoModel.from_config(cfg, attn_implementation="isingformer").eval()


@pytest.mark.parametrize(
    "beta",
    [torch.tensor([[0.1] * 4, [0.9] * 4]), lambda layer: 0.1 + 0.8 * layer],
    ids=["tensor", "callable"],
)
def test_per_layer_beta_is_refused_for_shared_layers(albert, beta):
    with pytest.raises(InputError, match="several layers"):
        albert(input_ids=torch.randint(3, 100, (1, 6)), beta=beta)


def test_one_beta_per_head_still_applies(albert):
    ids = torch.randint(3, 100, (1, 6))
    with torch.no_grad():
        a = albert(input_ids=ids, beta=torch.full((4,), 0.3)).last_hidden_state
        b = albert(input_ids=ids, beta=0.3).last_hidden_state
        c = albert(input_ids=ids).last_hidden_state
    assert torch.equal(a, b) and not torch.allclose(a, c)
