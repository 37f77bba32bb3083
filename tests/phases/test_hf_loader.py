"""The Hugging Face loader of `phases detect --model` (``load_causal_lm``):
never runs code from the directory (no remote code, no pickled code), refuses
what it cannot read honestly in one line with exit code 2 (no traceback, no
transformers report on stderr), and never runs a model with weights the
checkpoint lacks (transformers would initialize them at random). Tiny random
models saved here; nothing downloaded."""

import json

import pytest
import torch

from isingformer.cli import main
from isingformer.errors import IsingformerError

transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

WORDS = ["to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis"]
LM = dict(vocab_size=16, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
          intermediate_size=32, tie_word_embeddings=False)  # fmt: skip


def _tokenizer(directory, pad: bool = True) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", "</s>", *WORDS])}
    tk = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    kw = dict(unk_token="[UNK]", eos_token="</s>") | ({"pad_token": "[PAD]"} if pad else {})
    transformers.PreTrainedTokenizerFast(tokenizer_object=tk, **kw).save_pretrained(directory)


def _llama(directory, tokenizer: bool = True, **kw):
    torch.manual_seed(0)
    model = transformers.LlamaForCausalLM(transformers.LlamaConfig(**(LM | kw)))
    model.save_pretrained(directory)
    if tokenizer:
        _tokenizer(directory)
    return model


def _edit_config(directory, **kw) -> None:
    path = directory / "config.json"
    path.write_text(json.dumps(json.loads(path.read_text()) | kw))


class _Evil:
    """Unpickling it would create the directory ``path``."""

    def __init__(self, path) -> None:
        self.path = str(path)

    def __reduce__(self):
        import os

        return (os.mkdir, (self.path,))


def _cases(tmp_path) -> dict:
    """name: (directory, words the one-line error must contain)."""
    out = {}
    d = tmp_path / "auto_map"  # a built-in model_type, but custom code named
    _llama(d)
    _edit_config(d, auto_map={"AutoModelForCausalLM": "modeling_x.X"})
    out["auto_map"] = (d, "auto_map")
    d = tmp_path / "unknown"
    d.mkdir()
    (d / "config.json").write_text(json.dumps({"model_type": "no_such_model"}))
    out["unknown"] = (d, "no_such_model")
    d = tmp_path / "corrupt"
    _llama(d)
    (d / "model.safetensors").write_bytes(b"not a safetensors file" * 4)
    out["corrupt"] = (d, "cannot load")
    d = tmp_path / "mismatch"
    _llama(d)
    _edit_config(d, hidden_size=24)
    out["mismatch"] = (d, "do not match its config.json")
    d = tmp_path / "missing"  # no lm_head in the file: it would be random
    _llama(d)
    from safetensors.torch import load_file, save_file

    w = load_file(d / "model.safetensors")
    save_file({k: v for k, v in w.items() if not k.startswith("lm_head")}, d / "model.safetensors",
              metadata={"format": "pt"})  # fmt: skip
    out["missing"] = (d, "lm_head")
    d = tmp_path / "no_tokenizer"
    _llama(d, tokenizer=False)
    out["no_tokenizer"] = (d, "tokenizer")
    return out


def test_untrusted_or_broken_directories_are_refused_in_one_line(tmp_path, capfd):
    for name, (d, says) in _cases(tmp_path).items():
        capfd.readouterr()
        code = main(["phases", "detect", "--model", str(d), "--grid", "0.5:2:5", "--n-texts", "2",
                     "--tokens", "4", "--skip-validation", "--json"])  # fmt: skip
        out, err = capfd.readouterr()
        assert code == 2 and out == "", (name, err)
        assert err.count("\n") == 1 and err.startswith("isingformer: error:"), (name, err)
        assert says in err, (name, err)


def test_pickled_weights_never_run_code(tmp_path):
    from isingformer.phases.api import load_causal_lm

    d = tmp_path / "pickle"
    d.mkdir()
    (d / "config.json").write_text(transformers.LlamaConfig(**LM).to_json_string())
    _tokenizer(d)
    marker = d / "ran"
    torch.save({"x": _Evil(marker)}, d / "pytorch_model.bin")
    with pytest.raises(IsingformerError, match=r"weights_only=True.*safetensors") as e:
        load_causal_lm(d)
    assert "\n" not in str(e.value) and not marker.exists()


def test_a_complete_checkpoint_loads_as_saved(tmp_path):
    """The control: the same directory with every weight loads, with its own
    logits (nothing re-initialized)."""
    from isingformer.phases.api import load_causal_lm

    ref = _llama(tmp_path / "ok").eval()
    model, tok = load_causal_lm(tmp_path / "ok")
    x = torch.tensor([[3, 4, 5, 6]])
    with torch.no_grad():
        torch.testing.assert_close(model(x).logits, ref(x).logits, rtol=1e-5, atol=1e-6)
    assert tok.pad_token == "[PAD]"


def test_right_padded_prompts_without_a_pad_token(tmp_path):
    """Prompts of different lengths share one right-padded batch: the next-token
    distribution after each equals that of the prompt alone, also for a
    tokenizer without a padding token (the batch pads with id 0 itself)."""
    from isingformer.phases.api import load_causal_lm
    from isingformer.phases.prompt import prompt_distributions

    _llama(tmp_path / "m", tokenizer=False)
    _tokenizer(tmp_path / "m", pad=False)
    model, tok = load_causal_lm(tmp_path / "m")
    assert tok.pad_token is None

    def encode(text):
        return tok(text)["input_ids"]

    texts = [["to be or not that is", "the question"], ["whether", "tis to be"]]
    dist = prompt_distributions(model, encode, texts)
    for j, row in enumerate(texts):
        both = dist(j)
        for p, t in enumerate(row):
            alone = prompt_distributions(model, encode, [[t]])(0)[0]
            assert abs(both[p] - alone).max() < 1e-6


def test_an_absent_device_is_an_input_error(tmp_path):
    from isingformer.errors import InputError
    from isingformer.phases.api import load_causal_lm

    _llama(tmp_path / "m")
    for device in ("cuda:99", "tpu"):
        with pytest.raises(InputError, match="--device"):
            load_causal_lm(tmp_path / "m", device=device)
