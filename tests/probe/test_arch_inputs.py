"""`analyze`/`layers --model DIR` on models that do not read text alone
(tiny random ViT, Whisper, CLIP saved here): one line naming what is
unsupported and exit code 2. Before, ViT and Whisper failed inside the
forward pass with a bare ``AttributeError``/``TypeError`` line (or, without a
tokenizer, a cut-off tokenizer message), CLIP likewise, and transformers'
progress bars came before the error line."""

import pytest
import torch

from isingformer.cli import main

transformers = pytest.importorskip("transformers")

CONFIGS = {
    "vit": (lambda: transformers.ViTConfig(
        hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        image_size=16, patch_size=4), "ViTModel reads pixel_values, not text"),
    "whisper": (lambda: transformers.WhisperConfig(
        vocab_size=100, d_model=32, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64,
        decoder_ffn_dim=64, pad_token_id=1, bos_token_id=2, eos_token_id=2,
        decoder_start_token_id=2, max_source_positions=16, num_mel_bins=8,
    ), "WhisperModel reads input_features, not text"),
    "clip": (lambda: transformers.CLIPConfig(
        text_config=dict(vocab_size=100, hidden_size=32, num_hidden_layers=2,
                         num_attention_heads=4, intermediate_size=64, bos_token_id=2,
                         eos_token_id=2, pad_token_id=1),
        vision_config=dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                           intermediate_size=64, image_size=16, patch_size=4),
        projection_dim=16), "CLIPModel cannot run on text alone"),
}  # fmt: skip


def _save_tokenizer(directory) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", "</s>", "to", "be", "or", "not"])}
    tk = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    transformers.PreTrainedTokenizerFast(
        tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]", eos_token="</s>"
    ).save_pretrained(directory)


def _texts(tmp_path):
    texts = tmp_path / "t.txt"
    texts.write_text("to be or not to be " * 30, encoding="utf-8")
    return texts


@pytest.mark.parametrize("command", ["analyze", "layers"])
@pytest.mark.parametrize("name", list(CONFIGS))
def test_non_text_model_is_refused_in_one_line(name, command, tmp_path, capsys):
    config, says = CONFIGS[name]
    torch.manual_seed(0)
    transformers.AutoModel.from_config(config()).save_pretrained(tmp_path / name)
    capsys.readouterr()
    if name == "clip":  # it has a tokenizer: the refusal comes from the forward pass
        _save_tokenizer(tmp_path / name)
    texts = _texts(tmp_path)
    code = main([command, "--json", "--model", str(tmp_path / name), "--texts", str(texts),
                 "--n-texts", "1", "--max-tokens", "8"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("isingformer: error: --model: ") and err.count("\n") == 1, err
    assert says in err


@pytest.mark.parametrize("name", ["bert", "gpt2"])
def test_passages_longer_than_learned_positions_name_the_limit(name, tmp_path, capsys):
    """Learned absolute positions (BERT, GPT-2, OPT) end at the config's limit:
    longer passages failed inside the forward pass with a bare shape or index
    error (``index out of range in self``)."""
    if name == "bert":
        cfg = transformers.BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2,
                                      num_attention_heads=4, intermediate_size=64,
                                      max_position_embeddings=16, pad_token_id=1)  # fmt: skip
    else:
        cfg = transformers.GPT2Config(vocab_size=100, n_embd=32, n_layer=2, n_head=4,
                                      n_positions=16, bos_token_id=2, eos_token_id=2)  # fmt: skip
    transformers.AutoModel.from_config(cfg).save_pretrained(tmp_path / name)
    _save_tokenizer(tmp_path / name)
    texts = _texts(tmp_path)
    capsys.readouterr()
    code = main(["analyze", "--json", "--model", str(tmp_path / name), "--texts", str(texts),
                 "--n-texts", "1", "--max-tokens", "40"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "--max-tokens: passages of 40 tokens are longer than the 16 positions" in err


@pytest.mark.parametrize("exc", [MemoryError, torch.cuda.OutOfMemoryError])
def test_running_out_of_memory_is_not_called_a_text_input_error(exc, tmp_path):
    """The forward pass's failures become "cannot run on text alone", but not
    running out of memory: that propagates as itself (the CLI's memory error)."""
    from isingformer.probe import capture_qk, load_model

    cfg = transformers.BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2,
                                  num_attention_heads=4, intermediate_size=64, pad_token_id=1)  # fmt: skip
    transformers.AutoModel.from_config(cfg).save_pretrained(tmp_path / "bert")
    _save_tokenizer(tmp_path / "bert")
    lm = load_model(tmp_path / "bert")

    def forward(*args, **kwargs):
        raise exc("out of memory")

    lm.model.forward = forward
    with pytest.raises(exc):
        capture_qk(lm, ["to be or not to be"], 8)
