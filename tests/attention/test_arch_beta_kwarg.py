"""``model(**batch, beta=...)`` reaches every attention call even where the
model's layers do not pass their keyword arguments on (StableLM's decoder
layer calls its attention without ``**kwargs``: ``beta`` was silently dropped
and the model ran at its own β), and a model without the isingformer
attention refuses ``beta`` instead of ignoring it."""

import pytest
import torch

from isingformer.errors import InputError

transformers = pytest.importorskip("transformers")


def _stablelm(attn: str):
    import isingformer.attention  # noqa: F401  (registers "isingformer")

    cfg = transformers.StableLmConfig(
        vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, intermediate_size=64, partial_rotary_factor=0.25,
        qk_layernorm=True,
    )  # fmt: skip
    torch.manual_seed(0)
    model = transformers.AutoModel.from_config(cfg, attn_implementation=attn).eval()
    with torch.no_grad():  # larger logits, so that the β change shows
        for n, p in model.named_parameters():
            if n.endswith(("q_proj.weight", "k_proj.weight")):
                p.mul_(6.0)
    return model


def test_beta_keyword_reaches_stablelm_attention():
    from isingformer.attention import QKCapture

    model = _stablelm("isingformer")
    ids = torch.randint(3, 100, (2, 9))
    mask = torch.ones_like(ids)
    mask[1, 6:] = 0
    with torch.no_grad():
        plain = model(input_ids=ids, attention_mask=mask, output_attentions=True)
        beta = 2 * 8**-0.5
        with QKCapture() as cap:
            hot = model(input_ids=ids, attention_mask=mask, output_attentions=True, beta=beta)
    recs = sorted(cap.records, key=lambda r: r.layer)
    assert len(recs) == 2
    rows = mask.bool()[:, None, :, None]
    for rec, w, w0 in zip(recs, hot.attentions, plain.attentions, strict=True):
        p = torch.softmax(rec.logits(beta).masked_fill(~rec.allowed, float("-inf")), -1)
        assert torch.allclose((p * rows), (w * rows), atol=1e-5)
        assert (w - w0).abs().max() > 1e-2  # not the model's own β


def test_beta_keyword_on_eager_model_is_refused():
    model = _stablelm("eager")
    with pytest.raises(InputError, match="attn_implementation='isingformer'"):
        model(input_ids=torch.randint(3, 100, (1, 5)), beta=0.3)
