"""`isingformer layers --model DIR` on tiny random GPT-2 and Llama (GQA)
decoders saved here with a word-level tokenizer (nothing downloaded)."""

import json

import pytest
import torch

from isingformer.cli import main

transformers = pytest.importorskip("transformers")

WORDS = ["to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis", "in"]


def _save(config, directory) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import AutoModel, PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(["[UNK]", "</s>", *dict.fromkeys(WORDS)])}
    tk = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    torch.manual_seed(0)
    AutoModel.from_config(config).save_pretrained(directory)
    PreTrainedTokenizerFast(
        tokenizer_object=tk, unk_token="[UNK]", eos_token="</s>"
    ).save_pretrained(directory)


def _layers_json(config, tmp_path, capsys, *options) -> dict:
    """Save ``config`` as a model, run ``isingformer layers --json`` on it."""
    _save(config, tmp_path / "m")
    texts = tmp_path / "t.txt"
    texts.write_text(" ".join(WORDS * 4), encoding="utf-8")
    argv = ["layers", "--json", "--model", str(tmp_path / "m"), "--texts", str(texts)]
    code = main([*argv, *options])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("kind", ["gpt2", "llama"])
def test_decoders_are_read_causally(kind, tmp_path, capsys):
    if kind == "gpt2":
        cfg = transformers.GPT2Config(
            vocab_size=32, n_embd=32, n_layer=3, n_head=4, bos_token_id=1, eos_token_id=1
        )
    else:
        cfg = transformers.LlamaConfig(
            vocab_size=32, hidden_size=32, num_hidden_layers=3, num_attention_heads=4,
            num_key_value_heads=2, intermediate_size=64, bos_token_id=1, eos_token_id=1,
        )  # fmt: skip
    r = _layers_json(cfg, tmp_path, capsys, "--n-texts", "2", "--max-tokens", "12",
                     "--betas", "0.01,0.1,1")  # fmt: skip
    assert r["n_layers"] == 3 and r["n_heads"] == 4 and r["causal"] is True
    assert r["beta_model"] == pytest.approx(8**-0.5)
    assert r["at_model"]["rollout_tv_by_depth"][0] == 0.0


def test_one_layer_decoder_has_no_trotter_constant(tmp_path, capsys):
    # one layer: ε = 0, so C of eq. 12 is undefined (was a divide-by-zero warning)
    cfg = transformers.GPT2Config(
        vocab_size=32, n_embd=32, n_layer=1, n_head=2, bos_token_id=1, eos_token_id=1
    )
    r = _layers_json(cfg, tmp_path, capsys, "--n-texts", "1", "--max-tokens", "8",
                     "--betas", "0.1,1")  # fmt: skip
    assert r["n_layers"] == 1 and r["epsilon"]["max"] == 0.0
    assert r["trotter"]["c_fit"]["log10_c"] is None
