"""LongT5's local and transient-global attention compute their softmax
themselves, while its modeling file also has an attention class that calls
the attention interface: the module-level check let it through, and with
``attn_implementation="isingformer"`` the encoder silently kept its own
attention (``beta=`` ignored there; `analyze` ended with "made no attention
call"). Building it is now refused, naming the class."""

import pytest

from isingformer.errors import ModelLoadError

transformers = pytest.importorskip("transformers")

T5 = dict(vocab_size=100, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
          decoder_start_token_id=1, pad_token_id=1, eos_token_id=2, local_radius=2,
          global_block_size=4)  # fmt: skip


@pytest.mark.parametrize(
    "kind, cls",
    [("local", "LongT5LocalAttention"), ("transient-global", "LongT5TransientGlobalAttention")],
)
def test_longt5_own_softmax_is_refused(kind, cls):
    import isingformer.attention  # noqa: F401  (registers "isingformer")

    cfg = transformers.LongT5Config(**T5, encoder_attention_type=kind)
    with pytest.raises(ModelLoadError, match=cls):
        transformers.AutoModel.from_config(cfg, attn_implementation="isingformer")
    transformers.AutoModel.from_config(cfg, attn_implementation="eager")  # others unaffected


def test_supported_models_have_no_own_softmax_modules():
    from isingformer.attention.hf_support import own_attention_modules

    for cfg in (
        transformers.T5Config(**T5),
        transformers.BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=1,
                                num_attention_heads=4, intermediate_size=64),
        transformers.GPT2Config(vocab_size=100, n_embd=32, n_layer=1, n_head=4),
    ):  # fmt: skip
        model = transformers.AutoModel.from_config(cfg, attn_implementation="isingformer")
        assert own_attention_modules(model) == []
