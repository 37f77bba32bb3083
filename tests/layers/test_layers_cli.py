"""``isingformer layers``: the JSON contract on MiniLM and on a freshly trained
tiny GPT checkpoint, the report, the store, and bad input."""

import itertools
import json
import math

import pytest

from cli.test_json_rules import naming_problems  # tests/cli (docs/cli.md's key rules)
from isingformer.cli import main

KEYS = {"model", "n_layers", "beta_model", "epsilon", "norm_max", "a3_product", "errors", "verdict"}


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_minilm_contract_and_physics(minilm):
    r, _, betas = minilm
    assert set(r) >= KEYS
    assert r["n_layers"] == 6 and r["beta_model"] == pytest.approx(32**-0.5)
    assert set(r["epsilon"]) >= {"max", "median"} and r["epsilon"]["max"] >= r["epsilon"]["median"]
    assert r["a3_product"] == pytest.approx(
        r["beta_model"] * r["assumptions"]["norm_max"]["median"] * 6, rel=1e-9
    )
    assert set(r["verdict"]) == {"a1", "a2", "a3", "h_eff"}
    assert all(isinstance(v, str) and v for v in r["verdict"].values())
    errs = r["errors"]
    assert [e["beta"] for e in errs] == pytest.approx(betas, rel=1e-12)
    for e in errs:
        assert {"beta", "product_vs_sum_rel", "rollout_tv", "bch2_rel"} <= set(e)
        assert 0.0 <= e["rollout_tv"] <= 1.0
    logs = [e["product_vs_sum_log10"]["median"] for e in errs]
    assert all(b > a for a, b in itertools.pairwise(logs))  # grows with β
    # small β: the error is second order, and BCH predicts it
    assert errs[0]["product_vs_sum_rel"] == pytest.approx(errs[0]["bch2_rel"], rel=0.05)
    # one layer is its own summed softmax
    assert r["at_model"]["rollout_tv_by_depth"][0] == 0.0
    # Trotter at the edge of validity decays like 1/n between n = 128 and 256
    t = r["trotter"]
    if len(t["betas"]) > 1:
        slope = t["log10_error"][1][-1] - t["log10_error"][1][-2]
        assert slope == pytest.approx(-math.log10(2), abs=0.03)


def _cli(store, betas):
    argv = ["layers", "--json", "--n-texts", "2", "--max-tokens", "128"]
    return [*argv, "--betas", ",".join(repr(b) for b in betas), "--store", str(store.path)]


def test_cli_json_reads_the_stored_point(minilm, capsys):
    r0, store, betas = minilm
    code, out, err = _run(capsys, _cli(store, betas))
    assert code == 0, err
    r = json.loads(out)
    left = ("n_tokens: a count", "n_keys: a count")  # docs/cli.md: left as they are
    bad = [p for p in naming_problems(r) if not any(k in p for k in left)]
    assert not bad, bad
    assert set(r) >= KEYS and r["epsilon"] == r0["epsilon"]


@pytest.mark.slow
def test_cli_report(minilm, capsys, tmp_path):
    _, store, betas = minilm
    code, _, err = _run(capsys, [*_cli(store, betas), "--out", str(tmp_path)])
    assert code == 0, err
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Trotter" in html and html.count("<img") == 5


@pytest.mark.parametrize("random_init", [False, True])
def test_trained_gpt_checkpoint(gpt_layers, random_init):
    r = gpt_layers[random_init]
    assert r["n_layers"] == 4 and r["n_heads"] == 4 and r["beta_model"] == pytest.approx(0.25)
    assert r["model"].endswith("(random init)") == random_init
    assert ("step 100" in r["model"]) != random_init
    assert r["causal"] is True and r["n_tokens"] == 64 and r["n_passages"] == 2
    assert r["at_model"]["rollout_tv_by_depth"][0] == 0.0
    assert len(r["errors"]) == 2 and r["epsilon"]["max"] > 0


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--betas", "0:1:5"], "--betas"),
        (["--betas", "0.1"], "--betas"),
        (["--betas", "1e200,1"], "--betas"),  # was a LinAlgError (β² overflowed)
        (["--n-texts", "0"], "n-texts"),
        (["--max-tokens", "1"], "max-tokens"),
        (["--model", "/nonexistent/dir"], "--model"),
        (["--checkpoint", "/nonexistent/ck.pt"], "checkpoint"),
        (["--model", "/a", "--checkpoint", "/b"], "either"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, argv, needle):
    code, out, err = _run(capsys, ["layers", "--json", *argv])
    assert code == 2 and out == ""
    assert err.startswith("isingformer: error:") and err.count("\n") == 1
    assert needle in err
