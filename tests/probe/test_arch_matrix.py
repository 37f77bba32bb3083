"""The Hugging Face architecture matrix of `analyze`/`layers`/the probe API
beyond tests/attention/test_attention_matrix.py (tiny random models from
their config classes, saved with a word-level tokenizer; nothing
downloaded). For every supported architecture the energies the probe
captures (``CapturedBatch.energies``, one padded passage) reproduce the
model's own eager attention probabilities (``output_attentions=True``) to
1e-5 in float32 — GQA/MQA head sharing, partial rotary, q/k norms, scales
other than 1/sqrt(d) (Granite, Gemma, DeepSeek-V3's MLA), per-layer scales
(GPT-2's ``scale_attn_by_inverse_layer_idx``), sliding windows, soft-capping,
sinks and T5's position bias included; architectures whose attention
bypasses the attention interface are refused at load in one line, exit 2.
The full command runs over the matrix are ``slow``."""

import json

import pytest
import torch

from isingformer.cli import main

transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

WORDS = ["to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis", "nobler", "in", "mind", "suffer", "slings", "and", "arrows", "of", "outrageous", "fortune", "take", "arms", "against", "a", "sea", "troubles", "by", "opposing"]  # fmt: skip
V = 100
LM = dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
          intermediate_size=64, bos_token_id=2, eos_token_id=2, pad_token_id=1)  # fmt: skip
BERT = dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
            intermediate_size=64, pad_token_id=1)  # fmt: skip
GPT2 = dict(vocab_size=V, n_embd=32, n_layer=2, n_head=4, bos_token_id=2, eos_token_id=2)
# name: (config class, kwargs, expected β_model per layer)
SUPPORTED = {
    "bert": ("BertConfig", BERT, [8**-0.5] * 2),
    "roberta": ("RobertaConfig", dict(BERT, max_position_embeddings=64), [8**-0.5] * 2),
    "distilbert": ("DistilBertConfig", dict(vocab_size=V, dim=32, n_layers=2, n_heads=4,
                                            hidden_dim=64, pad_token_id=1), [8**-0.5] * 2),
    "albert": ("AlbertConfig", dict(BERT, embedding_size=16), [8**-0.5] * 2),
    "electra": ("ElectraConfig", dict(BERT, embedding_size=16), [8**-0.5] * 2),
    "modernbert": ("ModernBertConfig", dict(BERT, local_attention=4, global_attn_every_n_layers=2),
                   [8**-0.5] * 2),
    "gpt2_inverse_layer": ("GPT2Config", dict(GPT2, scale_attn_by_inverse_layer_idx=True),
                           [8**-0.5, 8**-0.5 / 2]),
    "gpt_bigcode_mqa": ("GPTBigCodeConfig", dict(GPT2, multi_query=True), [8**-0.5] * 2),
    "gptj": ("GPTJConfig", dict(GPT2, rotary_dim=4), [8**-0.5] * 2),
    "opt": ("OPTConfig", dict(BERT, ffn_dim=64, word_embed_proj_dim=32, bos_token_id=2,
                              eos_token_id=2), [8**-0.5] * 2),
    "llama_gqa": ("LlamaConfig", dict(LM, num_key_value_heads=2), [8**-0.5] * 2),
    "mistral": ("MistralConfig", dict(LM, num_key_value_heads=2, sliding_window=4), [8**-0.5] * 2),
    "qwen2_window_layers": ("Qwen2Config", dict(LM, num_key_value_heads=2, use_sliding_window=True,
                                                sliding_window=4, max_window_layers=1),
                            [8**-0.5] * 2),
    "qwen3": ("Qwen3Config", dict(LM, num_key_value_heads=2, head_dim=8), [8**-0.5] * 2),
    "phi": ("PhiConfig", dict(LM, partial_rotary_factor=0.5, qk_layernorm=True), [8**-0.5] * 2),
    "phi3": ("Phi3Config", dict(LM, num_key_value_heads=2, sliding_window=4), [8**-0.5] * 2),
    "gemma_mqa": ("GemmaConfig", dict(LM, num_key_value_heads=1, head_dim=8), [8**-0.5] * 2),
    "gemma2": ("Gemma2Config", dict(LM, num_key_value_heads=2, head_dim=8, sliding_window=4,
                                    attn_logit_softcapping=0.5, query_pre_attn_scalar=16),
               [0.25] * 2),
    "gemma3": ("Gemma3TextConfig", dict(LM, num_key_value_heads=2, head_dim=8, sliding_window=4,
                                        query_pre_attn_scalar=16,
                                        layer_types=["sliding_attention", "full_attention"]),
                 [0.25] * 2),
    "stablelm": ("StableLmConfig", dict(LM, num_key_value_heads=2, partial_rotary_factor=0.25,
                                        qk_layernorm=True), [8**-0.5] * 2),
    "gpt_neox": ("GPTNeoXConfig", dict(LM, rotary_pct=0.25), [8**-0.5] * 2),
    "granite": ("GraniteConfig", dict(LM, num_key_value_heads=2, attention_multiplier=0.7),
                [0.7] * 2),
    "deepseek_v3_mla": ("DeepseekV3Config", dict(LM, num_key_value_heads=4, q_lora_rank=16,
                        kv_lora_rank=16, qk_rope_head_dim=4, qk_nope_head_dim=8, v_head_dim=8,
                        n_routed_experts=2, num_experts_per_tok=1, first_k_dense_replace=2,
                        moe_intermediate_size=16, n_group=1, topk_group=1), [12**-0.5] * 2),
    "gpt_oss_sinks": ("GptOssConfig", dict(LM, num_key_value_heads=2, head_dim=8,
                                           num_local_experts=2, num_experts_per_tok=1,
                                           sliding_window=4), [8**-0.5] * 2),
    "t5_bias": ("T5Config", dict(vocab_size=V, d_model=32, d_kv=8, d_ff=64, num_layers=2,
                                 num_heads=4, decoder_start_token_id=1, pad_token_id=1,
                                 eos_token_id=2), [1.0] * 2),
    "bart": ("BartConfig", dict(vocab_size=V, d_model=32, encoder_layers=2, decoder_layers=2,
                                encoder_attention_heads=4, decoder_attention_heads=4,
                                encoder_ffn_dim=64, decoder_ffn_dim=64, pad_token_id=1,
                                bos_token_id=0, eos_token_id=2), [8**-0.5] * 2),
}  # fmt: skip
FAST = ["albert", "electra", "gpt2_inverse_layer", "gpt_bigcode_mqa", "gptj", "phi",
        "gemma_mqa", "gemma3", "stablelm", "granite", "deepseek_v3_mla", "qwen2_window_layers"]  # fmt: skip
REFUSED = {
    "gpt_neo": ("GPTNeoConfig", dict(vocab_size=V, hidden_size=32, num_layers=2, num_heads=4,
                                     attention_types=[[["global", "local"], 1]], window_size=4)),
    "mpt_alibi": ("MptConfig", dict(vocab_size=V, d_model=32, n_layers=2, n_heads=4)),
    "deberta_v2": ("DebertaV2Config", BERT),
    "mpnet": ("MPNetConfig", BERT),
    "falcon_alibi": ("FalconConfig", dict(LM, alibi=True)),
    "bloom_alibi": ("BloomConfig", dict(vocab_size=V, hidden_size=32, n_layer=2, n_head=4)),
}  # fmt: skip
TEXTS = [
    "to be or not to be that is the question whether tis nobler in mind",
    "suffer slings and arrows of outrageous fortune",
]


def _save(cls: str, kw: dict, directory) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers

    torch.manual_seed(0)
    model = transformers.AutoModel.from_config(getattr(transformers, cls)(**kw))
    with torch.no_grad():  # larger logits: soft-capping, masks and β matter
        for n, p in model.named_parameters():
            if p.ndim == 2 and any(
                s in n for s in ("q_proj", "k_proj", "query", "key", "c_attn", "q_lin", "k_lin",
                                 ".q.", ".k.", "qkv", "q_a", "q_b", "kv_a", "kv_b", "Wqkv")
            ):  # fmt: skip
                p.mul_(6.0)
    model.save_pretrained(directory)
    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", "</s>", *dict.fromkeys(WORDS)])}
    tk = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    transformers.PreTrainedTokenizerFast(
        tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]", eos_token="</s>"
    ).save_pretrained(directory)


def _check_energies(name: str, directory) -> None:
    from isingformer.probe import capture_qk, load_model

    lm = load_model(directory)
    if type(lm.tokenizer).__name__ == "Qwen2Tokenizer":  # transformers 5 forces Qwen2's own
        # class, which reads this word-level vocabulary as 1-3 tokens: no window would cut
        lm.tokenizer = transformers.PreTrainedTokenizerFast.from_pretrained(directory)
    cap = capture_qk(lm, TEXTS, 16)
    eager = transformers.AutoModel.from_pretrained(directory, attn_implementation="eager").eval()
    if getattr(eager.config, "is_encoder_decoder", False):
        eager = eager.get_encoder()
    batch = lm.tokenizer(TEXTS, padding=True, truncation=True, max_length=16, return_tensors="pt")
    assert bool((batch["attention_mask"] == cap.token_mask).all())
    assert batch["attention_mask"].sum(-1).tolist() == [15, 7]  # longer than the windows of 4
    with torch.no_grad():
        att = eager(batch["input_ids"], attention_mask=batch["attention_mask"],
                    output_attentions=True).attentions  # fmt: skip
    assert len(cap.q) == len(att) == 2
    assert cap.scale == pytest.approx(SUPPORTED[name][2], rel=1e-6)
    T = cap.token_mask.shape[1]
    rows = cap.token_mask[:, None, :, None]
    for layer in range(2):
        E, allowed = cap.energies(layer)
        logits = (-cap.scale[layer] * E).masked_fill(~allowed, float("-inf"))
        p = torch.softmax(logits, dim=-1)[..., :T]  # the sink column is dropped, as eager does
        err = (p - att[layer].double())[rows.expand_as(p)].abs().max()  # real query rows
        assert err < 1e-5, (name, layer, float(err))


@pytest.mark.parametrize("name", FAST)
def test_captured_energies_are_the_models_attention(name, tmp_path):
    cls, kw, _ = SUPPORTED[name]
    _save(cls, kw, tmp_path / name)
    _check_energies(name, tmp_path / name)


@pytest.mark.parametrize("name", list(REFUSED))
def test_attention_outside_the_interface_is_refused(name, tmp_path, capsys):
    _save(*REFUSED[name], tmp_path / name)
    texts = tmp_path / "t.txt"
    texts.write_text(" ".join(WORDS * 10), encoding="utf-8")
    capsys.readouterr()
    code = main(["analyze", "--json", "--model", str(tmp_path / name), "--texts", str(texts)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "does not call the transformers attention interface" in err


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SUPPORTED))
def test_matrix_analyze_and_layers(name, tmp_path, capsys):
    """Every supported architecture: the energies, `analyze --json` (β_model
    per head as expected) and `layers --json` — which runs, or refuses in one
    line a model with attention sinks (soft-capping, position bias and
    per-layer windows are read)."""
    cls, kw, betas = SUPPORTED[name]
    _save(cls, kw, tmp_path / name)
    _check_energies(name, tmp_path / name)
    texts = tmp_path / "t.txt"
    texts.write_text(" ".join(WORDS * 10), encoding="utf-8")
    common = ["--json", "--model", str(tmp_path / name), "--texts", str(texts)]
    capsys.readouterr()
    code = main(["analyze", *common, "--n-texts", "3", "--max-tokens", "12", "--sizes", "none",
                 "--max-rows", "16", "--n-boot", "2", "--betas", "0.01:3:12"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    heads = json.loads(out)["heads"]
    assert [h["beta_model"] for h in heads] == pytest.approx([b for b in betas for _ in range(4)])
    code = main(["layers", *common, "--n-texts", "2", "--max-tokens", "12", "--betas", "0.01,0.1"])
    out, err = capsys.readouterr()
    if name == "gpt_oss_sinks":  # a state outside the tokens: refused by layers
        assert code == 2 and err.count("\n") == 1 and "layers:" in err, err
    else:
        assert code == 0, err
        assert json.loads(out)["n_layers"] == 2
