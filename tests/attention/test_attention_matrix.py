"""The Hugging Face architecture matrix: tiny random models (built from
configs here, nothing downloaded) of every architecture the installed
``transformers`` has, checked against eager attention.

Per architecture: equality with eager (hidden states and attention weights,
with right padding), ``beta=`` (a per-layer ``[L, H]`` β reproduces the
model's own β; another β changes the weights exactly as the captured logits
say), Q/K capture (the captured energies reproduce the eager weights,
including soft-capping, position biases and sinks), padding (a padded row
equals the same row alone) and, for causal models, ``generate(beta=...)``.
Bloom and Falcon never call the attention interface: building them with the
isingformer attention is refused.

The supported-architecture table of docs/attention.md is generated from the
checks here: ``ISINGFORMER_WRITE_DOCS=1 pytest tests/attention/test_attention_matrix.py``
rewrites it; the normal run checks that it is current.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

import isingformer  # noqa: F401  (registers the attention implementation)
from isingformer.attention import QKCapture
from isingformer.errors import InputError, ModelLoadError

transformers = pytest.importorskip("transformers")

V, B, T, PAD_FROM = 64, 2, 7, 5
_LM = dict(
    vocab_size=V,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=64,
    bos_token_id=0,
    eos_token_id=1,
)
_GQA = dict(_LM, num_key_value_heads=2)

# name: (label, config class, config kwargs, kind); kind: encoder | causal | seq2seq | vision | refused
ARCHS = {
    "bert": (
        "BERT",
        "BertConfig",
        dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
             intermediate_size=64),
        "encoder",
    ),
    "roberta": (
        "RoBERTa",
        "RobertaConfig",
        dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
             intermediate_size=64, pad_token_id=1),
        "encoder",
    ),
    "distilbert": (
        "DistilBERT",
        "DistilBertConfig",
        dict(vocab_size=V, dim=32, n_layers=2, n_heads=4, hidden_dim=64),
        "encoder",
    ),
    "modernbert": (
        "ModernBERT",
        "ModernBertConfig",
        dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
             intermediate_size=64, pad_token_id=0, bos_token_id=0, eos_token_id=1,
             cls_token_id=0, sep_token_id=1, global_attn_every_n_layers=2, local_attention=4),
        "encoder",
    ),
    "vit": (
        "ViT",
        "ViTConfig",
        dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
             image_size=16, patch_size=4),
        "vision",
    ),
    "gpt2": (
        "GPT-2",
        "GPT2Config",
        dict(vocab_size=V, n_embd=32, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=1),
        "causal",
    ),
    "llama": ("Llama (GQA)", "LlamaConfig", _GQA, "causal"),
    "mistral": ("Mistral (sliding window)", "MistralConfig", dict(_GQA, sliding_window=4), "causal"),
    "qwen2": ("Qwen2", "Qwen2Config", _GQA, "causal"),
    "phi3": ("Phi-3", "Phi3Config", dict(_GQA, pad_token_id=None), "causal"),
    "gpt_neox": ("GPT-NeoX", "GPTNeoXConfig", _LM, "causal"),
    "opt": (
        "OPT",
        "OPTConfig",
        dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, ffn_dim=64,
             word_embed_proj_dim=32, bos_token_id=0, eos_token_id=1, pad_token_id=1),
        "causal",
    ),
    "mixtral": (
        "Mixtral",
        "MixtralConfig",
        dict(_GQA, num_local_experts=2, num_experts_per_tok=1),
        "causal",
    ),
    "gemma2": (
        "Gemma2 (soft-capping)",
        "Gemma2Config",
        dict(_GQA, head_dim=8, attn_logit_softcapping=0.5, sliding_window=4),
        "causal",
    ),
    "gemma3": ("Gemma3", "Gemma3TextConfig", dict(_GQA, head_dim=8, sliding_window=4), "causal"),
    "gpt_oss": (
        "GPT-OSS (sinks)",
        "GptOssConfig",
        dict(_GQA, head_dim=8, num_local_experts=2, num_experts_per_tok=1, sliding_window=4),
        "causal",
    ),
    "bart": (
        "BART",
        "BartConfig",
        dict(vocab_size=V, d_model=32, encoder_layers=2, decoder_layers=2,
             encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64,
             decoder_ffn_dim=64, bos_token_id=0, eos_token_id=1, pad_token_id=1,
             decoder_start_token_id=1, forced_eos_token_id=None),
        "seq2seq",
    ),
    "t5": (
        "T5 (position bias)",
        "T5Config",
        dict(vocab_size=V, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
             decoder_start_token_id=0, pad_token_id=0, eos_token_id=1),
        "seq2seq",
    ),
    "falcon": (
        "Falcon",
        "FalconConfig",
        dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
             bos_token_id=0, eos_token_id=1),
        "refused",
    ),
    "bloom": (
        "Bloom",
        "BloomConfig",
        dict(vocab_size=V, hidden_size=32, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=1),
        "refused",
    ),
}  # fmt: skip
SUPPORTED = [n for n, a in ARCHS.items() if a[3] != "refused"]
REFUSED = [n for n, a in ARCHS.items() if a[3] == "refused"]
CAUSAL = [n for n, a in ARCHS.items() if a[3] == "causal"]
N_LAYERS, N_HEADS = 2, 4
# β_model: the factor multiplying the raw q·k (head_dim 8; Gemma: query_pre_attn_scalar 256;
# T5 folds its scale into the weights). OPT pre-scales q by 1/sqrt(8) and passes 1.0.
BETA_MODEL = {"gemma2": 256**-0.5, "gemma3": 256**-0.5, "t5": 1.0}
DOC = Path(__file__).resolve().parents[2] / "docs" / "attention.md"
START, END = "<!-- architecture-matrix:start -->", "<!-- architecture-matrix:end -->"


def _config(name: str):
    cls = getattr(transformers, ARCHS[name][1], None)
    if cls is None:
        pytest.skip(f"transformers {transformers.__version__} has no {ARCHS[name][1]}")
    return cls(**ARCHS[name][2])


def _build(name: str, impl: str = "eager"):
    from transformers import AutoModel, AutoModelForCausalLM

    cfg = _config(name)
    torch.manual_seed(0)
    auto = AutoModelForCausalLM if ARCHS[name][3] in ("causal", "refused") else AutoModel
    model = auto.from_config(cfg, attn_implementation=impl).eval()
    with torch.no_grad():  # trained-like logit scales: soft-capping and sinks matter
        for n, p in model.named_parameters():
            if "sinks" in n:
                p.normal_(0.0, 1.0)
            elif n.endswith(("q_proj.weight", "k_proj.weight")):
                p.mul_(20.0)
    return model


def _inputs(name: str, pad: bool = True) -> dict:
    g = torch.Generator().manual_seed(1)
    if ARCHS[name][3] == "vision":
        return {"pixel_values": torch.randn(B, 3, 16, 16, generator=g)}
    ids = torch.randint(2, V, (B, T), generator=g)
    am = torch.ones(B, T, dtype=torch.long)
    if pad:
        am[1, PAD_FROM:] = 0
    batch = {"input_ids": ids, "attention_mask": am}
    if ARCHS[name][3] == "seq2seq":
        batch["decoder_input_ids"] = torch.randint(2, V, (B, 5), generator=g)
    return batch


def _main(out) -> torch.Tensor:
    return out.logits if hasattr(out, "logits") else out[0]


def _real(name: str, x: torch.Tensor, batch: dict) -> torch.Tensor:
    """Entries of a [B, T, ...] output at real tokens (all for vision / decoder outputs)."""
    if ARCHS[name][3] in ("vision", "seq2seq"):
        return x
    return x[batch["attention_mask"].bool()]


def _attentions(out) -> list[torch.Tensor]:
    for key in ("attentions", "encoder_attentions"):
        a = getattr(out, key, None)
        if a:
            return list(a)
    raise AssertionError("no attention weights returned")


def _rows_close(w: torch.Tensor, ref: torch.Tensor, batch: dict, atol: float) -> bool:
    """Weights ``[B, H, Lq, Lk]`` equal at real query rows."""
    am = batch.get("attention_mask")
    if am is None or w.shape[2] != am.shape[1]:
        return torch.allclose(w, ref, atol=atol)
    real = am.bool()
    return torch.allclose(w.permute(0, 2, 1, 3)[real], ref.permute(0, 2, 1, 3)[real], atol=atol)


def _weights_from(rec, beta=None) -> torch.Tensor:
    """Softmax of the captured logits over the allowed keys (sink column dropped)."""
    logits = rec.logits(beta)
    _, allowed = rec.energies()
    logits = logits.masked_fill(~allowed, float("-inf"))
    w = torch.softmax(logits.double(), -1)
    return (w[..., :-1] if rec.sink is not None else w).float()


def _first_stack(records):
    """Records of the first stack (the encoder of a seq2seq model)."""
    return records[:N_LAYERS]


@pytest.mark.parametrize("name", SUPPORTED)
def test_equals_eager_and_capture_reproduces_weights(name):
    m = _build(name)
    batch = _inputs(name)
    with torch.no_grad():
        ref = m(**batch, output_attentions=True)
        m.set_attn_implementation("isingformer")
        with QKCapture() as cap:
            out = m(**batch, output_attentions=True)
    assert (_real(name, _main(out), batch) - _real(name, _main(ref), batch)).abs().max() < 1e-5
    ref_w = _attentions(ref)
    for a, b in zip(_attentions(out), ref_w, strict=True):
        assert _rows_close(a, b, batch, 1e-6)
    recs = _first_stack(cap.records)
    assert [r.layer for r in recs] == list(range(N_LAYERS))
    for rec, w_ref in zip(recs, ref_w, strict=True):
        assert rec.q.shape[:2] == (B, N_HEADS) and rec.k.shape[:2] == (B, N_HEADS)
        assert _rows_close(_weights_from(rec), w_ref, batch, 1e-5)


@pytest.mark.parametrize("name", ["gemma2", "t5", "gpt_oss"])
def test_extra_logit_terms_matter(name):
    """Dropping soft-capping, the position bias or the sinks from the captured
    logits would not reproduce the eager weights (so the test above is not vacuous)."""
    m = _build(name)
    batch = _inputs(name)
    with torch.no_grad():
        ref = _attentions(m(**batch, output_attentions=True))
        m.set_attn_implementation("isingformer")
        with QKCapture() as cap:
            m(**batch)
    rec = cap.records[0]
    assert rec.softcap is not None or rec.bias is not None or rec.sink is not None
    rec.softcap, rec.bias, rec.sink = None, None, None
    plain = torch.softmax(
        (rec.scale * rec.q @ rec.k.transpose(-1, -2)).masked_fill(~rec.allowed, float("-inf")), -1
    )
    real = batch["attention_mask"].bool()
    diff = (plain - ref[0]).permute(0, 2, 1, 3)[real].abs().max()
    assert diff > 1e-3


@pytest.mark.parametrize("name", SUPPORTED)
def test_beta_per_layer_and_head(name):
    m = _build(name, "isingformer")
    batch = _inputs(name)
    with torch.no_grad(), QKCapture() as cap:
        plain = _main(m(**batch))
    own = torch.tensor([[r.scale] * N_HEADS for r in _first_stack(cap.records)])
    hot = own * torch.tensor([[0.5, 1.0, 2.0, 4.0], [3.0, 0.25, 1.5, 0.0]])
    with torch.no_grad():
        same = _main(m(**batch, beta=own))
        by_layer = _main(m(**batch, beta=lambda layer: own[layer]))
        with QKCapture() as cap2:
            out = m(**batch, beta=hot, output_attentions=True)
    assert torch.allclose(_real(name, same, batch), _real(name, plain, batch), atol=1e-6)
    assert torch.allclose(_real(name, by_layer, batch), _real(name, plain, batch), atol=1e-6)
    changed = (_real(name, _main(out), batch) - _real(name, plain, batch)).abs().max()
    assert changed > 1e-4
    for layer, (rec, w) in enumerate(
        zip(_first_stack(cap2.records), _attentions(out), strict=True)
    ):
        assert rec.scale == pytest.approx(float(own[layer, 0]))  # the model's own β, not hot
        assert rec.scale == pytest.approx(BETA_MODEL.get(name, 8**-0.5))
        per_head = torch.stack(
            [_weights_from(rec, float(hot[layer, h]))[:, h] for h in range(N_HEADS)], 1
        )
        assert _rows_close(per_head, w, batch, 1e-5)


@pytest.mark.parametrize("name", SUPPORTED)
def test_padding(name):
    if ARCHS[name][3] == "vision":
        pytest.skip("images have no padding")
    m = _build(name, "isingformer")
    batch = _inputs(name)
    alone = {k: v[1:2, :PAD_FROM] if k != "decoder_input_ids" else v[1:2] for k, v in batch.items()}
    with torch.no_grad():
        padded = _main(m(**batch))[1]
        single = _main(m(**alone))[0]
    if ARCHS[name][3] != "seq2seq":
        padded = padded[:PAD_FROM]
    assert (padded - single).abs().max() < 1e-5


@pytest.mark.parametrize("name", CAUSAL)
def test_generate_with_layer_head_beta(name):
    m = _build(name, "isingformer")
    batch = _inputs(name, pad=False)
    beta = torch.full((N_LAYERS, N_HEADS), 0.3)
    beta[1] = 3.0
    kw = dict(max_new_tokens=2, do_sample=False, pad_token_id=1)
    with torch.no_grad():
        gen = m.generate(**batch, beta=beta, output_logits=True, return_dict_in_generate=True, **kw)
        plain = m.generate(**batch, output_logits=True, return_dict_in_generate=True, **kw)
        fwd = m(**batch, beta=beta).logits[:, -1]
    assert gen.sequences.shape == (B, T + 2)
    assert torch.allclose(gen.logits[0], fwd, atol=1e-5)
    assert (gen.logits[0] - plain.logits[0]).abs().max() > 1e-4
    with pytest.raises(InputError):
        m.generate(**batch, beta=torch.ones(3), **kw)


@pytest.mark.parametrize("name", REFUSED)
def test_models_that_bypass_the_adapter_are_refused(name):
    with pytest.raises(ModelLoadError, match="attention interface"):
        _build(name, "isingformer")
    _build(name, "eager")  # the model itself is fine


def test_unknown_attention_argument_is_an_error():
    from isingformer.attention import isingformer_attention_forward

    m = _build("llama", "isingformer")
    attn = m.model.layers[0].self_attn
    q = torch.randn(1, 4, 3, 8)
    with pytest.raises(InputError, match="does not understand"):
        isingformer_attention_forward(attn, q, q, q, None, scaling=0.3, mystery_bias=q)


def test_generate_beta_needs_the_isingformer_attention():
    m = _build("gpt2", "eager")
    with pytest.raises(InputError, match="attn_implementation"):
        m.generate(**_inputs("gpt2", pad=False), beta=0.3, max_new_tokens=1, pad_token_id=1)


def _table() -> str:
    rows = [
        f"Generated by `tests/attention/test_attention_matrix.py` with transformers "
        f"{transformers.__version__} (tiny random models, float32).",
        "",
        "| architecture | config | β_model | extra logit terms | eager, β, capture, padding "
        "| generate(beta=) |",
        "|---|---|---|---|---|---|",
    ]
    for name, (label, cfg_name, _, kind) in ARCHS.items():
        if getattr(transformers, cfg_name, None) is None:
            continue
        if kind == "refused":
            rows.append(
                f"| {label} | `{cfg_name}` | – | – | refused at load time (bypasses the "
                "attention interface) | – |"
            )
            continue
        m = _build(name, "isingformer")
        with torch.no_grad(), QKCapture() as cap:
            m(**_inputs(name))
        rec = cap.records[0]
        terms = [
            t
            for t, on in (
                (f"soft-capping ({rec.softcap})", rec.softcap is not None),
                ("position bias", rec.bias is not None),
                ("sinks", rec.sink is not None),
            )
            if on
        ]
        checks = "yes" if kind != "vision" else "yes (no padding)"
        rows.append(
            f"| {label} | `{cfg_name}` | {rec.scale:.4g} | {', '.join(terms) or '–'} | {checks} "
            f"| {'yes' if kind == 'causal' else '–'} |"
        )
    return "\n".join(rows)


def test_docs_table_is_current():
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text
    head, rest = text.split(START)
    _, tail = rest.split(END)
    table = _table()
    if os.environ.get("ISINGFORMER_WRITE_DOCS") == "1":
        DOC.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
        return
    current = rest.split(END)[0].strip()
    if f"transformers {transformers.__version__} " not in current:
        pytest.skip("docs table was generated with another transformers version")
    assert current == table, "run ISINGFORMER_WRITE_DOCS=1 pytest " + __file__
