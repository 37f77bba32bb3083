"""`isingformer layers --model DIR` across attention variants (tiny random
models saved here, nothing downloaded): the attention rows the analysis
rebuilds from the captured layer Hamiltonians, softmax(β_model S) over each
layer's own visible keys, equal the model's own eager attention
(``output_attentions=True``) — for a sliding window shared by every layer
(Mistral), soft-capping with alternating sliding/global layers (Gemma2),
sliding and global layers by ``layer_types`` (Gemma3), a
position bias (T5), local/global layers (ModernBERT) and Qwen2's
``max_window_layers``. Before, these were analysed with −q·k and layer 0's
mask (errors of 0.1–0.4 in the rows), then refused. Attention sinks (GPT-OSS)
are still refused with one line and exit code 2."""

import pytest
import torch

from isingformer.cli import main

transformers = pytest.importorskip("transformers")

WORDS = [
    "to",
    "be",
    "or",
    "not",
    "that",
    "is",
    "the",
    "question",
    "whether",
    "tis",
    "nobler",
    "in",
    "mind",
    "suffer",
]
LM = dict(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
          num_key_value_heads=2, intermediate_size=64, bos_token_id=2, eos_token_id=2)  # fmt: skip


def _save(config, directory) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import AutoModel, PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", "</s>", *dict.fromkeys(WORDS)])}
    tk = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    torch.manual_seed(0)
    model = AutoModel.from_config(config)
    with torch.no_grad():  # larger logits: soft-capping and masks matter
        for n, p in model.named_parameters():
            if p.ndim == 2 and any(s in n for s in ("q_proj", "k_proj", "Wqkv", ".q.", ".k.")):
                p.mul_(6.0)
    model.save_pretrained(directory)
    PreTrainedTokenizerFast(
        tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]", eos_token="</s>"
    ).save_pretrained(directory)


CASES = {
    "mistral": lambda: transformers.MistralConfig(**LM, sliding_window=4),
    "gemma2": lambda: transformers.Gemma2Config(
        **LM, head_dim=8, attn_logit_softcapping=0.5, query_pre_attn_scalar=16, sliding_window=4
    ),
    "gemma3": lambda: transformers.Gemma3TextConfig(
        **LM, head_dim=8, query_pre_attn_scalar=16, sliding_window=4,
        layer_types=["sliding_attention", "full_attention"],
    ),
    "t5": lambda: transformers.T5Config(
        vocab_size=100, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
        decoder_start_token_id=1, pad_token_id=1,
    ),
    "modernbert": lambda: transformers.ModernBertConfig(
        vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, pad_token_id=1, local_attention=4, global_attn_every_n_layers=2,
    ),
    "qwen2": lambda: transformers.Qwen2Config(
        **LM, use_sliding_window=True, sliding_window=4, max_window_layers=1
    ),
}  # fmt: skip
TEXTS = [" ".join(WORDS), " ".join(WORDS[3:11])]


@pytest.fixture
def word_tokenizer(monkeypatch):
    """The word-level tokenizer saved with the model, whatever the model type:
    transformers 5's AutoTokenizer swaps in Qwen2's own tokenizer class, which
    reads the words as almost nothing (2-3 tokens, shorter than any window)."""
    import isingformer.probe as probe

    load = probe.load_model

    def loader(path, device="cpu"):
        lm = load(path, device=device)
        lm.tokenizer = transformers.PreTrainedTokenizerFast.from_pretrained(path)
        return lm

    monkeypatch.setattr(probe, "load_model", loader)


def _eager(directory):
    eager = transformers.AutoModel.from_pretrained(directory, attn_implementation="eager").eval()
    if getattr(eager.config, "is_encoder_decoder", False):
        eager = eager.get_encoder()
    tok = transformers.PreTrainedTokenizerFast.from_pretrained(directory)
    batch = tok(TEXTS, padding=True, truncation=True, max_length=12, return_tensors="pt")
    with torch.no_grad():
        att = eager(batch["input_ids"], attention_mask=batch["attention_mask"],
                    output_attentions=True).attentions  # fmt: skip
    return batch["attention_mask"], att


@pytest.mark.parametrize("name", list(CASES))
def test_layer_rows_equal_the_models_own_attention(name, tmp_path, word_tokenizer):
    from isingformer.layers.capture import capture_layers
    from isingformer.layers.rollout import layer_attention

    _save(CASES[name](), tmp_path / name)
    st = capture_layers(str(tmp_path / name), TEXTS, max_tokens=12, critical=False)
    mask, att = _eager(tmp_path / name)
    assert len(st.head_scores) == 2 and len(att) == st.n_layers == 2
    for p, scores in enumerate(st.head_scores):
        idx = torch.nonzero(mask[p]).reshape(-1)
        assert len(idx) == (12, 8)[p]
        assert st.allowed[p].shape == (2, len(idx), len(idx))
        for layer in range(2):
            rows = layer_attention(scores[layer].double(), st.beta_model, st.allowed[p][layer])
            ref = att[layer][p][:, idx][:, :, idx].double()
            assert torch.allclose(rows, ref, atol=1e-5), (name, p, layer)
            # the operator is the head sum of the scores, zero outside the layer's keys
            H = st.hamiltonians[p][layer]
            torch.testing.assert_close(H.float(), -scores[layer].sum(0), atol=1e-4, rtol=1e-5)
            assert not bool(H[~st.allowed[p][layer]].any())
    first = st.allowed[0]  # 12 tokens, windows of 4: the first key is cut off somewhere
    if name == "mistral":  # one window shared by both layers
        assert not bool(first[:, -1, 0].any()) and bool((first[0] == first[1]).all())
    elif name != "t5":  # one sliding, one global layer: the layers' masks differ
        assert bool(first[:, -1, 0].any()) and not bool(first[:, -1, 0].all())
    assert st.causal == (name not in ("t5", "modernbert"))


@pytest.mark.parametrize("name", ["gemma2", "t5"])
def test_the_old_q_k_energies_miss_the_models_rows(name, tmp_path, word_tokenizer):
    """The check above has power: −q·k alone (no soft-capping, no position
    bias) gives rows far from the model's own."""
    from isingformer.probe import capture_qk, load_model

    _save(CASES[name](), tmp_path / name)
    cap = capture_qk(load_model(tmp_path / name), TEXTS, 12)
    mask, att = _eager(tmp_path / name)
    real = mask.bool()[:, None, :, None]
    for layer in range(2):
        logits = cap.scale[layer] * (cap.q[layer] @ cap.k[layer].transpose(-1, -2)).double()
        old = torch.softmax(logits.masked_fill(~cap.allowed[layer], float("-inf")), -1)
        err = (old - att[layer].double()).nan_to_num().abs()[real.expand_as(old)].max()
        assert err > 1e-2, (name, layer, float(err))


def test_layers_command_reads_soft_capping_and_per_layer_windows(tmp_path, capsys):
    import json

    _save(CASES["gemma2"](), tmp_path / "g")
    texts = tmp_path / "t.txt"
    texts.write_text(" ".join(WORDS * 3), encoding="utf-8")
    code = main(["layers", "--json", "--model", str(tmp_path / "g"), "--texts", str(texts),
                 "--n-texts", "1", "--max-tokens", "10", "--betas", "0.01,0.1"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    r = json.loads(out)
    assert r["n_layers"] == 2 and r["causal"] and r["at_model"]["rollout_tv_by_depth"][0] == 0


def test_attention_sinks_are_refused(tmp_path, capsys):
    cfg = transformers.GptOssConfig(**LM, head_dim=8, num_local_experts=2, num_experts_per_tok=1,
                                    sliding_window=4)  # fmt: skip
    _save(cfg, tmp_path / "oss")
    texts = tmp_path / "t.txt"
    texts.write_text(" ".join(WORDS * 3), encoding="utf-8")
    code = main(["layers", "--json", "--model", str(tmp_path / "oss"), "--texts", str(texts),
                 "--n-texts", "1", "--max-tokens", "10", "--betas", "0.01,0.1"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = [x for x in err.splitlines() if x.startswith("isingformer: error:")]
    assert len(lines) == 1 and "attention sinks" in lines[0] and "Traceback" not in err


UNIT = {torch.bfloat16: 2.0**-8, torch.float16: 2.0**-11}


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
@pytest.mark.parametrize("name", ["mistral", "gemma2"])
def test_half_precision_rows_differ_by_the_rounding_only(name, dtype, tmp_path, word_tokenizer):
    """A checkpoint stored in bfloat16 or float16 runs in that dtype; its
    energies are computed in float64 from the half-precision q and k,
    deliberately, so the model's own rows differ from softmax(β_model S) only
    by the rounding of its half-precision logits and weights: l̃ = l + δ with
    |δ| ≤ 4u·m (at most four roundings of relative size u of terms of size
    ≤ m = the row's largest |logit| or |β q·k|), so
    |p̃ − p| ≤ p(e^(2 max|δ|) − 1) + u·p̃ (the weights are rounded too);
    u = 2⁻⁸ (bfloat16), 2⁻¹¹ (float16). The rounding is real: the rows differ
    by more than the float32 tolerance above."""
    from isingformer.layers.capture import capture_layers
    from isingformer.layers.rollout import layer_attention
    from isingformer.probe import capture_qk, load_model

    d = tmp_path / name
    _save(CASES[name](), d)
    transformers.AutoModel.from_pretrained(d).to(dtype).save_pretrained(d)
    st = capture_layers(str(d), TEXTS, max_tokens=12, critical=False)
    cap = capture_qk(load_model(d), TEXTS, 12)
    mask, att = _eager(d)
    assert att[0].dtype == cap.q[0].dtype == dtype  # the model ran in its stored dtype
    u, worst = UNIT[dtype], 0.0
    for p, scores in enumerate(st.head_scores):
        idx = torch.nonzero(mask[p]).reshape(-1)
        for layer in range(2):
            a = st.allowed[p][layer]
            ours = layer_attention(scores[layer].double(), st.beta_model, a)
            model = att[layer][p][:, idx][:, :, idx].double()
            qk = cap.scale[layer] * (cap.q[layer][p] @ cap.k[layer][p].transpose(-1, -2)).double()
            size = torch.maximum(
                st.beta_model * scores[layer].double(), qk[:, idx][:, :, idx].abs()
            )
            m = size.abs().masked_fill(~a, 0).amax(-1, keepdim=True)  # per row
            bound = ours * torch.expm1(8 * u * m) + u * model + 1e-7
            assert bool(((model - ours).abs() <= bound).all()), (name, dtype, p, layer)
            worst = max(worst, float((model - ours).abs().max()))
    assert worst > 1e-5  # the rounding is there: not the float32 agreement
