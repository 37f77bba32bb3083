"""`isingformer analyze --model DIR --json` on tiny random models of the
common architectures, saved with a tokenizer built here (nothing downloaded):
encoders, decoders whose tokenizer has no padding token, T5 (its encoder), a
hub id resolved from a local cache, and one-line errors for devices and
missing models."""

from __future__ import annotations

import json

import pytest
import torch

from isingformer.cli import main

transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

HAMLET = (
    "to be or not that is the question whether tis nobler in mind suffer slings and arrows "
    "of outrageous fortune take arms against a sea troubles by opposing end them die sleep no "
    "more"
)
WORDS = HAMLET.split(" ")
SPECIALS = ["[UNK]", "[PAD]", "</s>"]
V = 64
_LM = {"vocab_size": V, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
       "intermediate_size": 64, "bos_token_id": 2, "eos_token_id": 2}  # fmt: skip
# name: (config class, kwargs, tokenizer specials: "pad" | "eos" | "none")
MODELS = {
    "bert": ("BertConfig", dict(vocab_size=V, hidden_size=32, num_hidden_layers=2,
                                num_attention_heads=4, intermediate_size=64, pad_token_id=1), "pad"),
    "gpt2": ("GPT2Config", dict(vocab_size=V, n_embd=32, n_layer=2, n_head=4, bos_token_id=2,
                                eos_token_id=2), "eos"),
    "llama": ("LlamaConfig", dict(_LM, num_key_value_heads=2), "eos"),
    "mistral": ("MistralConfig", dict(_LM, num_key_value_heads=2, sliding_window=8), "eos"),
    "qwen2": ("Qwen2Config", dict(_LM, num_key_value_heads=2), "eos"),
    "phi3": ("Phi3Config", dict(_LM, num_key_value_heads=2, pad_token_id=None), "eos"),
    "gpt_neox": ("GPTNeoXConfig", _LM, "none"),
    "opt": ("OPTConfig", dict(vocab_size=V, hidden_size=32, num_hidden_layers=2,
                              num_attention_heads=4, ffn_dim=64, word_embed_proj_dim=32,
                              bos_token_id=2, eos_token_id=2, pad_token_id=1), "eos"),
    "gemma2": ("Gemma2Config", dict(_LM, num_key_value_heads=2, head_dim=8,
                                    attn_logit_softcapping=50.0, sliding_window=8), "eos"),
    "t5": ("T5Config", dict(vocab_size=V, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                            decoder_start_token_id=1, pad_token_id=1, eos_token_id=2), "pad"),
}  # fmt: skip
FAST = ["--n-texts", "3", "--max-tokens", "12", "--sizes", "6,40", "--max-rows", "16"]
FAST += ["--n-boot", "2", "--betas", "0.01:3:12"]


def _tokenizer(specials: str):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(SPECIALS + WORDS)}
    tk = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    kw = {"unk_token": "[UNK]"}
    if specials == "pad":
        kw.update(pad_token="[PAD]", eos_token="</s>")
    elif specials == "eos":
        kw.update(eos_token="</s>")
    return PreTrainedTokenizerFast(tokenizer_object=tk, **kw)


def _save(name: str, directory) -> None:
    from transformers import AutoModel

    cls, kw, specials = MODELS[name]
    torch.manual_seed(0)
    AutoModel.from_config(getattr(transformers, cls)(**kw)).save_pretrained(directory)
    _tokenizer(specials).save_pretrained(directory)


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    p = tmp_path_factory.mktemp("texts") / "hamlet.txt"
    words = [WORDS[(7 * i) % len(WORDS)] for i in range(3 * 160)]
    p.write_text(" ".join(words), encoding="utf-8")
    return p


def _analyze(capsys, *args) -> tuple[int, dict | None, str]:
    code = main(["analyze", "--json", *map(str, args)])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else None), captured.err


@pytest.mark.parametrize("name", list(MODELS))
def test_analyze_tiny_model(capsys, tmp_path, texts, name):
    _save(name, tmp_path / name)
    code, d, err = _analyze(capsys, "--model", tmp_path / name, "--texts", texts, *FAST)
    assert code == 0, err
    assert d["n_layers"] == 2 and d["n_heads"] == 4 and len(d["heads"]) == 8
    assert d["n_tokens"] == 3 * 12
    assert d["config"]["sizes"] == [6] and d["config"]["sizes_dropped"] == [40]
    assert [f["n_tokens"] for f in d["finite_size"]] == [6, 12]
    expected = {"t5": 1.0, "gemma2": 256**-0.5}.get(name, 8**-0.5)
    for h in d["heads"]:
        assert h["beta_model"] == pytest.approx(expected)
        assert h["phase"] in ("disordered", "near-critical", "ordered")
    if name == "t5":
        assert d["model"].endswith("(encoder)")


def test_short_texts_drop_impossible_sizes(capsys, tmp_path):
    _save("gpt2", tmp_path / "gpt2")
    short = tmp_path / "short.txt"
    short.write_text("to be or not to be that is the question", encoding="utf-8")
    args = ["--model", tmp_path / "gpt2", "--texts", short, "--max-tokens", "64"]
    args += ["--sizes", "4,8,16,32", "--max-rows", "16", "--n-boot", "2", "--betas", "0.01:3:12"]
    code, d, err = _analyze(capsys, *args)
    assert code == 0, err
    assert d["config"]["sizes"] == [4, 8] and d["config"]["sizes_dropped"] == [16, 32]
    assert [f["n_tokens"] for f in d["finite_size"]] == [4, 8, 10]


def test_hub_id_from_local_cache(capsys, tmp_path, texts, monkeypatch):
    from huggingface_hub import constants

    snap = tmp_path / "hub" / "models--tiny--gpt2" / "snapshots" / "abc123"
    _save("gpt2", snap)
    (tmp_path / "hub" / "models--tiny--gpt2" / "refs").mkdir()
    (tmp_path / "hub" / "models--tiny--gpt2" / "refs" / "main").write_text("abc123")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    code, d, err = _analyze(capsys, "--model", "tiny/gpt2", "--texts", texts, *FAST)
    assert code == 0, err
    assert d["model"] == "tiny/gpt2"
    code, _, err = _analyze(capsys, "--model", "tiny/absent", "--texts", texts, *FAST)
    assert code == 2 and "local Hugging Face cache" in err and "Traceback" not in err


@pytest.mark.parametrize("device", ["banana", "cuda:7", "cuda"])
def test_bad_device_is_one_line(capsys, device):
    if device == "cuda" and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    code, _, err = _analyze(capsys, "--device", device)
    lines = [ln for ln in err.splitlines() if ln.startswith("isingformer: error:")]
    assert code == 2 and len(lines) == 1 and "--device" in lines[0] and "Traceback" not in err


def test_model_that_bypasses_the_adapter_is_refused(capsys, tmp_path):
    from transformers import BloomConfig, BloomModel

    BloomModel(BloomConfig(vocab_size=V, hidden_size=32, n_layer=2, n_head=4)).save_pretrained(
        tmp_path / "bloom"
    )
    _tokenizer("eos").save_pretrained(tmp_path / "bloom")
    code, _, err = _analyze(capsys, "--model", tmp_path / "bloom")
    assert code == 2 and "attention interface" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["gemma2", "t5", "gpt_oss"])
def test_phase_map_energies_are_the_attention_rows(name):
    """softmax(−β_model E) over the allowed keys of the energies the phase map
    uses equals the eager attention weights, soft-capping, position bias and
    sinks included (the sink column is the weight no key gets)."""
    from transformers import AutoModel

    from isingformer.probe import LoadedModel, capture_qk

    cfgs = {
        "gpt_oss": ("GptOssConfig", dict(_LM, num_key_value_heads=2, head_dim=8,
                                         num_local_experts=2, num_experts_per_tok=1)),
    }  # fmt: skip
    cls, kw = cfgs.get(name, MODELS.get(name, (None, None, None))[:2])
    torch.manual_seed(0)
    model = AutoModel.from_config(getattr(transformers, cls)(**kw), attn_implementation="eager")
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "sinks" in n:
                p.normal_(0.0, 1.0)
            elif n.endswith(("q_proj.weight", "k_proj.weight")):
                p.mul_(20.0)
    model = (model.get_encoder() if name == "t5" else model).eval()
    tok = _tokenizer("pad")
    passages = [HAMLET, "to be or not to be"]
    batch = tok(passages, padding=True, truncation=True, max_length=10, return_tensors="pt")
    with torch.no_grad():
        ref = model(**batch, output_attentions=True).attentions
    model.set_attn_implementation("isingformer")
    cap = capture_qk(LoadedModel(model, tok, None, name, 2, 4), passages, 10)
    real = cap.token_mask
    for layer, w_ref in enumerate(ref):
        E, allowed = cap.energies(layer)
        w = torch.softmax((-cap.scale[layer] * E).masked_fill(~allowed, float("-inf")), -1)
        w = w[..., : w_ref.shape[-1]].float()
        assert torch.allclose(
            w.permute(0, 2, 1, 3)[real], w_ref.permute(0, 2, 1, 3)[real], atol=1e-5
        )
