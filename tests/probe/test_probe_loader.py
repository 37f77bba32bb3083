"""The loader of `analyze`/`layers --model` with incomplete or mismatched
weights: a checkpoint without weights the analysis reads (transformers would
initialize them at random) is refused in one line, as is one whose shapes do
not match its config (before: a traceback-free line pointing at "the above
report", with that report dumped on stderr); a checkpoint without a pooler
(after the attention, never read) still loads. Tiny BERTs saved here."""

import json

import pytest
import torch

from isingformer.cli import main

transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

WORDS = ["to", "be", "or", "not", "that", "is", "the", "question"]
BERT = dict(vocab_size=16, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=32, pad_token_id=1)  # fmt: skip


def _bert(directory, drop: str | None = None, **edit) -> None:
    from safetensors.torch import load_file, save_file
    from tokenizers import Tokenizer, models, pre_tokenizers

    torch.manual_seed(0)
    transformers.BertModel(transformers.BertConfig(**BERT)).save_pretrained(directory)
    if drop:
        w = load_file(directory / "model.safetensors")
        save_file({k: v for k, v in w.items() if drop not in k}, directory / "model.safetensors",
                  metadata={"format": "pt"})  # fmt: skip
    if edit:
        path = directory / "config.json"
        path.write_text(json.dumps(json.loads(path.read_text()) | edit))
    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", *WORDS])}
    tk = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    transformers.PreTrainedTokenizerFast(
        tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]"
    ).save_pretrained(directory)


def _analyze(directory, tmp_path, capfd):
    texts = tmp_path / "t.txt"
    texts.write_text(" ".join(WORDS * 4), encoding="utf-8")
    capfd.readouterr()
    code = main(["analyze", "--json", "--model", str(directory), "--texts", str(texts),
                 "--n-texts", "1", "--max-tokens", "8", "--sizes", "none", "--max-rows", "8",
                 "--n-boot", "2", "--betas", "0.01:3:6"])  # fmt: skip
    return (code, *capfd.readouterr())


@pytest.mark.parametrize(
    "name, drop, edit, says",
    [
        ("no_query", "attention.self.query", {}, "lacks 2 weight tensor(s)"),
        ("mismatch", None, {"intermediate_size": 24}, "do not match its config.json"),
    ],
)
def test_incomplete_or_mismatched_weights_are_refused(name, drop, edit, says, tmp_path, capfd):
    _bert(tmp_path / name, drop, **edit)
    code, out, err = _analyze(tmp_path / name, tmp_path, capfd)
    assert code == 2 and out == "", err
    assert err.count("\n") == 1 and err.startswith("isingformer: error:") and says in err, err


def test_a_checkpoint_without_its_pooler_loads(tmp_path, capfd):
    _bert(tmp_path / "no_pooler", "pooler")
    code, out, err = _analyze(tmp_path / "no_pooler", tmp_path, capfd)
    assert code == 0, err
    assert json.loads(out)["n_layers"] == 1


class _Payload:
    """Unpickling it would create the directory ``path``."""

    def __init__(self, path) -> None:
        self.path = str(path)

    def __reduce__(self):
        import os

        return (os.mkdir, (self.path,))


def test_pickled_code_is_never_run(tmp_path):
    from isingformer.errors import ModelLoadError
    from isingformer.probe import load_model

    d = tmp_path / "pickle"
    _bert(d)
    (d / "model.safetensors").unlink()
    torch.save({"x": _Payload(d / "ran")}, d / "pytorch_model.bin")
    with pytest.raises(ModelLoadError, match=r"weights_only=True.*safetensors") as e:
        load_model(d)
    assert "\n" not in str(e.value) and not (d / "ran").exists()
