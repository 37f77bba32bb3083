"""The analysis-time study on the packaged MiniLM: the contract, and the
numbers of docs/periodic.md recomputed at the documented size (6 passages of
32 tokens in 3 groups of 2; intervals Student-t over the 3 groups).
Tolerances: the stated 95 % half-widths."""

import math

import pytest
import torch

from isingformer.attention.bias import make_positional_bias
from isingformer.cli import main
from isingformer.periodic.encoder import encoder_logits
from isingformer.periodic.experiment import encoder_result


@pytest.fixture(scope="module")
def minilm():
    return encoder_result(None, n_texts=6, max_tokens=32, groups=3)


def test_encoder_logits_and_result(minilm):
    logits, n_heads = encoder_logits(None, 2, 16)
    assert n_heads == 12 and logits.shape[1:] == (6 * 12, 16, 16)
    assert logits.dtype == torch.float64 and torch.isfinite(logits).all()
    # the periodic bias is the same circulant in every layer
    bias = make_positional_bias("periodic", n_heads)(16, dtype=torch.float64)
    assert torch.equal(bias[:, 0, 15], bias[:, 0, 1])
    r = minilm
    assert [b["name"] for b in r["biases"]] == ["none", "alibi", "periodic"]
    assert all(b["n_models"] == 3 for b in r["biases"])
    assert set(r["verdicts"]) == {"edges", "correlation", "rounding"}
    # non-causal: the far half is 2 * sum_{l > 16} (32 - l) / 1024 of the pairs
    assert r["biases"][2]["wrap_pair_fraction"] == 2 * sum(32 - k for k in range(17, 32)) / 1024


@pytest.mark.regression
def test_minilm_numbers(minilm):
    by = {b["name"]: b for b in minilm["biases"]}
    # docs: edge spread of β*(i) none 0.33 ± 0.31, alibi 0.44 ± 0.35, periodic 0.35 ± 0.19
    for name, mean, half in (
        ("none", 0.328, 0.311),
        ("alibi", 0.445, 0.353),
        ("periodic", 0.353, 0.189),
    ):
        assert by[name]["edge_spread"]["mean"] == pytest.approx(mean, abs=half)
    d = minilm["verdict_details"]
    assert d["edges"]["none"]["diff"]["mean"] == pytest.approx(0.025, abs=0.141)
    assert minilm["verdicts"]["edges"].startswith("inconclusive")
    # docs: no decay with |i − j| for none and alibi (ξ = ∞, rate 0 in every group);
    # periodic fitted ξ = 22.5 ± 2.7 tokens, beyond the 14 tokens the circular
    # distances 1..15 of 32-token passages resolve (ξ > 14 in 3 of 3 groups);
    # 1/ξ = 0.0445 ± 0.0053 per token
    assert by["none"]["decay_rate"]["values"] == [0.0, 0.0, 0.0]
    assert by["alibi"]["decay_rate"]["values"] == [0.0, 0.0, 0.0]
    xi = by["periodic"]["correlation_length"]
    assert xi["mean"] is None and xi["window"] == 14 and xi["beyond_window"] == 3
    assert sum(xi["values"]) / 3 == pytest.approx(22.5, abs=2.7)
    assert d["correlation"]["none"]["diff"]["mean"] == pytest.approx(0.0445, abs=0.0053)
    assert minilm["verdicts"]["correlation"].startswith("refuted")
    # docs: layer-heads (of 72) decaying significantly / never: 4 / 51, 16 / 36, 33 / 5
    # (deterministic counts; ±1 allows one head whose interval ends at 0)
    expect = {"none": (4, 51), "alibi": (16, 36), "periodic": (33, 5)}
    for b, (decaying, never) in expect.items():
        h = by[b]["head_decay_rate"]
        assert abs(h["decaying"] - decaying) <= 1 and abs(h["never_decaying"] - never) <= 1
    # docs: ξ(β) over β = 1/8…64 (β* = 0.25–0.27 in every group): none ∞ at
    # every β, ALiBi ∞ up to β = 1, periodic smallest at β = 1/4 ≈ β*
    models = minilm["models"]
    for b, ms in models.items():
        for m in ms:
            assert 0.24 < m["beta_star_mean"] < 0.28
            betas, xi = m["xi_vs_beta"]["betas"], m["xi_vs_beta"]["xi"]
            if b == "none":
                assert all(x == math.inf for x in xi)
            elif b == "alibi":
                assert all(x == math.inf for x, be in zip(xi, betas, strict=True) if be <= 1)
            else:
                assert betas[xi.index(min(xi))] == 0.25
    # docs: θ none −0.029 ± 0.089, alibi −0.094 ± 0.122, periodic −0.048 ± 0.093;
    # periodic − none −0.019 [−0.057, 0.019]; periodic − alibi +0.046 [0.003, 0.090]
    for name, mean, half in (
        ("none", -0.029, 0.090),
        ("alibi", -0.094, 0.122),
        ("periodic", -0.048, 0.094),
    ):
        assert by[name]["rounding_exponent"]["value"] == pytest.approx(mean, abs=half)
    assert d["rounding"]["none"]["diff"]["mean"] == pytest.approx(-0.019, abs=0.038)
    assert minilm["verdicts"]["rounding"].startswith("inconclusive")
    for b in by.values():  # docs: every mean θ negative, every interval includes 0
        theta = b["rounding_exponent"]
        assert theta["value"] < 0 and theta["ci"][0] < 0 < theta["ci"][1]
    assert d["rounding"]["alibi"]["diff"]["mean"] == pytest.approx(0.046, abs=0.044)
    # docs: mass at |i − j| > 16: none 34.0 ± 2.1 %, alibi 26.0 ± 2.1 %, periodic 31.9 ± 1.5 %
    for name, mean, half in (
        ("none", 0.340, 0.021),
        ("alibi", 0.260, 0.022),
        ("periodic", 0.319, 0.015),
    ):
        assert by[name]["wrap_mass_fraction"]["mean"] == pytest.approx(mean, abs=half)


def test_bad_model_is_one_line(capsys, tmp_path):
    code = main(["periodic", "--model", str(tmp_path / "nope")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "--model" in err
