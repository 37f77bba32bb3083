"""The analysis-time study on the packaged MiniLM (small sizes)."""

import torch

from isingformer.attention.bias import make_positional_bias
from isingformer.cli import main
from isingformer.periodic.encoder import encoder_logits
from isingformer.periodic.experiment import encoder_result


def test_encoder_logits_and_result():
    logits, n_heads = encoder_logits(None, 3, 16)
    assert n_heads == 12 and logits.shape[1:] == (6 * 12, 16, 16)
    assert logits.dtype == torch.float64 and torch.isfinite(logits).all()
    # the periodic bias is the same circulant in every layer
    bias = make_positional_bias("periodic", n_heads)(16, dtype=torch.float64)
    assert torch.equal(bias[:, 0, 15], bias[:, 0, 1])
    r = encoder_result(None, n_texts=4, max_tokens=16, groups=2)
    assert [b["name"] for b in r["biases"]] == ["none", "alibi", "periodic"]
    assert all(b["n_models"] == 2 for b in r["biases"])
    assert set(r["verdicts"]) == {"edges", "correlation", "rounding"}
    # non-causal: the far half is 2 * sum_{l > 8} (16 - l) / 256 of the pairs
    assert r["biases"][2]["wrap_pair_fraction"] == 2 * sum(16 - k for k in range(9, 16)) / 256


def test_bad_model_is_one_line(capsys, tmp_path):
    code = main(["periodic", "--model", str(tmp_path / "nope")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "--model" in err
