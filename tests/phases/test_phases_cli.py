"""``isingformer phases detect`` on our GPT and on a local Hugging Face causal LM."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from isingformer.cli import main


def _run(capsys, args):
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _json(capsys, args):
    code, out, err = _run(capsys, args)
    assert code == 0, err
    return json.loads(out)


def _check_contract(r, n_grid):
    assert len(r["grid"]) == n_grid
    assert set(r["indicators"]) == {"tv", "js", "linear"}
    for k, v in r["indicators"].items():
        # sampled continuations: unbiased estimates, negative by at most their noise
        floor = [-4 * s for s in r["indicators_se"][k]] if "indicators_se" in r else [0] * len(v)
        assert len(v) == n_grid - 2 and all(x >= f for x, f in zip(v, floor, strict=True))
    assert r["peaks"] and {"value", "ci"} <= set(r["peaks"][0])
    lo, hi = r["peaks"][0]["ci"]
    assert r["grid"][0] <= lo <= hi <= r["grid"][-1]
    assert "validated_on" in r


def test_fewer_than_three_prompts_give_no_interval(gpt_checkpoint, capsys, tmp_path):
    """A bootstrap over 1 or 2 prompts is no interval: ci is None, the method says
    why, the human output and the report say so; from 3 prompts on, an interval."""
    args = ["phases", "detect", "--checkpoint", str(gpt_checkpoint), "--grid", "0.2:3:9",
            "--tokens", "16", "--n-boot", "20", "--skip-validation"]  # fmt: skip
    r = _json(capsys, [*args, "--n-texts", "2", "--json", "--out", str(tmp_path)])
    (p,) = r["peaks"]
    assert p["ci"] is None and p["n"] == 2 and "no interval" in p["method"]
    assert r["model_inside_ci"] == [None] and (tmp_path / "report.html").exists()
    assert main([*args, "--n-texts", "2"]) == 0
    assert "(no interval: 2 prompt(s))" in capsys.readouterr().out
    r3 = _json(capsys, [*args, "--n-texts", "3", "--json"])
    assert len(r3["peaks"][0]["ci"]) == 2 and r3["peaks"][0]["n"] == 3
    (lo, hi), (wlo, whi) = r3["peaks"][0]["ci"], r3["peaks"][0]["ci_widened"]
    step = 2.8 / 8  # the grid 0.2:3:9
    assert wlo == pytest.approx(max(0.2, lo - step)) and whi == pytest.approx(min(3.0, hi + step))
    assert "t_2 · se + step/4" in r3["peaks"][0]["method"]  # Student-t, n - 1 = 2 dof
    assert "over the 3 prompts" in r3["peaks"][0]["method"]


def test_detect_on_a_checkpoint_over_temperature(gpt_checkpoint, capsys, tmp_path):
    args = ["phases", "detect", "--checkpoint", str(gpt_checkpoint), "--parameter", "temperature"]
    r = _json(capsys, [*args, "--grid", "0.2:3:15", "--n-texts", "6", "--tokens", "16",
                       "--n-boot", "50", "--skip-validation", "--json", "--out", str(tmp_path)])  # fmt: skip
    _check_contract(r, 15)
    assert r["validated_on"] == [] and (tmp_path / "report.html").exists()


@pytest.mark.parametrize(("parameter", "grid"), [("temperature", "0.1:10:7"), ("beta", "0.25:4:7")])
def test_detect_with_sampled_continuations(gpt_checkpoint, hf_export, capsys, parameter, grid):
    common = ["--parameter", parameter, "--grid", grid, "--spacing", "log",
              "--continuation", "3", "--samples", "8", "--n-texts", "3", "--tokens", "32",
              "--n-boot", "20", "--skip-validation", "--json"]  # fmt: skip
    for src in (["--checkpoint", str(gpt_checkpoint)], ["--model", str(hf_export)]):
        r = _json(capsys, ["phases", "detect", *src, *common])
        _check_contract(r, 7)
        assert r["parameter"] == parameter and r["continuation"] == 3 and "sampled" in r["output"]
        assert r["n_positions"] == 32 - 3  # cropped: prompt + continuation fit the context
        se = r["indicators_se"]  # the sampling error of each indicator
        assert all(len(se[k]) == 5 and min(se[k]) > 0 for k in ("tv", "js", "linear"))


def test_detect_over_beta_gpt_equals_its_hf_export(gpt_checkpoint, hf_export, capsys):
    common = ["--parameter", "beta", "--grid", "0.25,0.5,1,2,4,8", "--n-texts", "4",
              "--tokens", "16", "--n-boot", "20", "--skip-validation", "--json"]  # fmt: skip
    g = _json(capsys, ["phases", "detect", "--checkpoint", str(gpt_checkpoint), *common])
    h = _json(capsys, ["phases", "detect", "--model", str(hf_export), *common])
    _check_contract(g, 6)
    _check_contract(h, 6)
    # the same model through two paths (W_q scaling vs the adapter's beta=) on
    # the same distributions family: at f = 1 both are the trained model
    from isingformer.lm.sample import load_trained
    from isingformer.phases.api import load_causal_lm
    from isingformer.phases.lm import gpt_beta_distributions, hf_beta_distributions

    trained = load_trained(gpt_checkpoint)
    hf, _ = load_causal_lm(hf_export)
    idx = torch.as_tensor(np.array(trained.data.val[:40])).long().view(2, 20)
    f = np.array([0.25, 1.0, 16.0])
    a, b = gpt_beta_distributions(trained.model, idx, f), hf_beta_distributions(hf, idx, f)
    for j in range(3):
        np.testing.assert_allclose(a(j), b(j), atol=2e-6)
    assert np.abs(a(0) - a(2)).max() > 50 * 2e-6  # β changes them far beyond the tolerance


def test_validated_on_lists_the_systems(gpt_checkpoint, capsys, monkeypatch):
    import isingformer.phases.api as api
    from isingformer.phases.validation import toy_validation, validation_summary

    monkeypatch.setattr(api, "validation_results", lambda: validation_summary([toy_validation()]))
    r = _json(capsys, ["phases", "detect", "--checkpoint", str(gpt_checkpoint), "--grid",
                       "0.5:2:7", "--n-texts", "2", "--tokens", "8", "--n-boot", "10", "--json"])  # fmt: skip
    (v,) = r["validated_on"]
    assert {"system", "expected", "found"} <= set(v) and v["agrees"] is True


@pytest.mark.slow
def test_detect_reruns_all_validation_systems(gpt_checkpoint, capsys):
    r = _json(capsys, ["phases", "detect", "--checkpoint", str(gpt_checkpoint), "--grid",
                       "0.5:2:7", "--n-texts", "2", "--tokens", "8", "--json"])  # fmt: skip
    assert len(r["validated_on"]) == 3 and all(v["agrees"] for v in r["validated_on"])


def test_bad_input_is_one_line_and_exit_2(gpt_checkpoint, capsys, tmp_path):
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)  # a bidirectional encoder: loads as BertLMHeadModel, but is not causal
    BertModel(BertConfig(vocab_size=64, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=32)).save_pretrained(tmp_path / "bert")  # fmt: skip
    capsys.readouterr()
    ck = ["--checkpoint", str(gpt_checkpoint)]
    cases = [
        (["phases", "detect", "--model", str(tmp_path / "bert")], "not a causal"),
        (["phases", "detect", *ck, "--grid", "0.5:2:4"], "at least 5"),
        (["phases", "detect", *ck, "--parameter", "depth"], "--parameter"),
        (["phases", "detect"], "exactly one"),
        (["phases", "detect", "--checkpoint", str(tmp_path / "none.pt")], "--checkpoint"),
    ]
    for args, needle in cases:
        code, out, err = _run(capsys, [*args, "--skip-validation", "--json"])
        assert code == 2 and out == "", (args, err)
        assert err.count("\n") == 1 and err.startswith("isingformer: error:") and needle in err


def test_spin_over_checkpoints(gpt_series, capsys, tmp_path):
    r = _json(capsys, ["phases", "spin", "--checkpoints", str(gpt_series), "--json",
                       "--sweeps", "60", "--ladder-size", "8", "--seeds", "3",
                       "--out", str(tmp_path / "rep")])  # fmt: skip
    assert (tmp_path / "rep" / "report.html").exists() and (tmp_path / "rep" / "spin.json").exists()
    assert r["steps"] == [0, 25, 50, 100, 200, 300]  # step 0: the rebuilt initialization
    assert all(t["value"] > 0 for t in r["tc"][1:]) and r["tc_init_theory"] > 0
    assert all(t["err"] is not None and t["ci"][0] <= t["value"] <= t["ci"][1] for t in r["tc"][1:])
    pl = r["powerlaw"]
    assert pl["n"] == 5 and pl["ci"][0] <= pl["exponent"] <= pl["ci"][1]
    assert len(r["overlap"]) == 6 and all(len(o["density"]) == 21 for o in r["overlap"])
    assert len(r["magnetization"][0]) == 8
    # training moves the bonds away from the random initialization
    assert r["tc_tap"][-1] > 1.2 * r["tc_init_theory"]
    (tmp_path / "empty").mkdir()
    code, out, err = _run(capsys, ["phases", "spin", "--checkpoints", str(tmp_path / "empty")])
    assert code == 2 and out == "" and err.count("\n") == 1 and "no *.pt" in err


def test_spin_refuses_copies_of_one_step(gpt_checkpoint, capsys, tmp_path):
    # two files of the same step (was "ValueError: Cannot calculate a linear
    # regression if all x values are identical" after the Monte Carlo)
    import shutil

    for name in ("a.pt", "b.pt"):
        shutil.copy(gpt_checkpoint, tmp_path / name)
    code, out, err = _run(capsys, ["phases", "spin", "--checkpoints", str(tmp_path), "--json"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "several checkpoints at step" in err
