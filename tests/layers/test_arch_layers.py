"""`isingformer layers --model DIR` across attention variants (tiny random
models saved here, nothing downloaded): the model's own attention rows that
the analysis rebuilds from the captured Hamiltonians equal the eager
attention of a sliding-window decoder whose layers share one mask; models
whose rows are not ``softmax(β q·k)`` over one mask shared by every layer
(local/global layers, soft-capping, a position bias) are refused with one
line and exit code 2 — they were analysed with layer 0's mask and without
their extra logit terms, silently wrong (errors of 0.1–0.4 in the rows)."""

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


def test_shared_sliding_window_rows_equal_eager(tmp_path):
    from isingformer.layers.capture import capture_layers
    from isingformer.layers.rollout import layer_attention

    _save(transformers.MistralConfig(**LM, sliding_window=4), tmp_path / "m")
    texts = [" ".join(WORDS), " ".join(WORDS[3:11])]
    st = capture_layers(str(tmp_path / "m"), texts, max_tokens=12, critical=False)
    eager = transformers.AutoModel.from_pretrained(tmp_path / "m", attn_implementation="eager")
    tok = transformers.AutoTokenizer.from_pretrained(tmp_path / "m")
    batch = tok(texts, padding=True, truncation=True, max_length=12, return_tensors="pt")
    with torch.no_grad():
        att = eager(**batch, output_attentions=True).attentions
    assert len(st.head_scores) == 2
    for p, scores in enumerate(st.head_scores):
        idx = torch.nonzero(batch["attention_mask"][p]).reshape(-1)
        assert not bool(st.allowed[p][-1, 0])  # the window cuts the first key off
        for layer in range(2):
            rows = layer_attention(scores[layer].double(), st.beta_model, st.allowed[p])
            ref = att[layer][p][:, idx][:, :, idx].double()
            assert torch.allclose(rows, ref, atol=1e-5)


@pytest.mark.parametrize(
    "name, config, says",
    [
        ("modernbert", lambda: transformers.ModernBertConfig(
            vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
            intermediate_size=64, pad_token_id=1, local_attention=4, global_attn_every_n_layers=2,
        ), "layers [1] differ from layer 0"),
        ("gemma2", lambda: transformers.Gemma2Config(**LM, head_dim=8, attn_logit_softcapping=0.5,
                                                     sliding_window=64), "soft-capping"),
        ("t5", lambda: transformers.T5Config(vocab_size=100, d_model=32, d_kv=8, d_ff=64,
            num_layers=2, num_heads=4, decoder_start_token_id=1, pad_token_id=1,
        ), "a position bias"),
    ],
)  # fmt: skip
def test_unsupported_attention_is_refused(name, config, says, tmp_path, capsys):
    _save(config(), tmp_path / name)
    texts = tmp_path / "t.txt"
    texts.write_text(" ".join(WORDS * 3), encoding="utf-8")
    code = main(["layers", "--json", "--model", str(tmp_path / name), "--texts", str(texts),
                 "--n-texts", "1", "--max-tokens", "10", "--betas", "0.01,0.1"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = [x for x in err.splitlines() if x.startswith("isingformer: error:")]
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in err
