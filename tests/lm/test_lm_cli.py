"""CLI contracts of ``isingformer train`` and ``isingformer compare``."""

import json

import pytest

from cli.test_json_rules import naming_problems  # tests/cli (docs/cli.md's key rules)
from isingformer.cli import main

TINY = [
    "--n-layer",
    "2",
    "--n-head",
    "2",
    "--d-model",
    "32",
    "--context",
    "32",
    "--batch-size",
    "8",
    "--eval-every",
    "5",
]


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_json_contract_and_resume(capsys, tmp_path, lm_cache):
    args = [
        "train",
        "--policy",
        "critical",
        "--steps",
        "10",
        "--seed",
        "0",
        *TINY,
        "--recalibrate-every",
        "5",
        "--set",
        f"cache_dir={lm_cache}",
        "--json",
        "--out",
        str(tmp_path),
    ]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    d = json.loads(out)
    assert not naming_problems(d), naming_problems(d)
    assert set(d) >= {"final_val_loss", "steps", "tokens_per_s", "beta_per_head", "checkpoint"}
    assert d["steps"] == 10 and len(d["beta_per_head"]) == 2 and len(d["beta_per_head"][0]) == 2
    assert (tmp_path / "checkpoint.pt").is_file() and (tmp_path / "runs.sqlite").is_file()
    # resume to a longer run from the checkpoint (its config, steps extended)
    code, out, err = run(capsys, "train", "--resume", d["checkpoint"], "--steps", "12", "--json")
    assert code == 0, err
    assert json.loads(out)["steps"] == 12


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--policy", "hot", "--steps", "5"], "unknown policy"),
        (["train", "--steps", "0"], "--steps"),
        (["train", "--set", "stpes=3"], "unknown config key"),
        (["train", "--context", "512", "--set", "corpus={small}"], "too few"),
        (["train", "--resume", "{corrupt}"], "corrupt"),
        (["train", "--policy", "fixed:beta=-2", "--steps", "5"], "finite and > 0"),
        (["train", "--policy", "fixed:bta=2", "--steps", "5"], "unknown key 'bta'"),
        (["compare", "--policies", "sqrt_dk,hot", "--seeds", "1"], "unknown policy"),
        (["compare", "--steps", "0"], "--steps"),
        (["compare", "--seed", str(2**63 - 1), "--seeds", "2"], "--seed + --seeds - 1"),
        (["compare", "--policies", "sqrt_dk,fixed:bta=2", "--seeds", "1"], "unknown key 'bta'"),
        (["compare", "--policies", "sqrt_dk,fixed:beta=-2", "--seeds", "1"], "finite and > 0"),
        (["compare", "--policies", "sqrt_dk,critical:every=x"], "integer >= 0"),
        (["compare", "--config", "{badyaml}", "--seeds", "1"], "unknown key 'bta'"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, tmp_path, args, message):
    small = tmp_path / "small.txt"
    small.write_text("a tiny corpus\n" * 5)
    corrupt = tmp_path / "c.pt"
    corrupt.write_bytes(b"PK\x03\x04 truncated")
    badyaml = tmp_path / "bad.yaml"
    badyaml.write_text("steps: 5\npolicies: [sqrt_dk, {policy: fixed, bta: 2.0}]\n")
    args = [a.format(small=small, corrupt=corrupt, badyaml=badyaml) for a in args]
    code, out, err = run(capsys, *args, "--out", str(tmp_path / "o"))
    assert code == 2
    assert out == "" and len(err.strip().splitlines()) == 1 and message in err


def test_train_takes_a_policy_spec(capsys, tmp_path, lm_cache):
    """``train --policy fixed:beta=2`` (the spec syntax of compare and of
    docs/training.md) was refused as an unknown policy."""
    args = ["train", "--policy", "fixed:beta=2", "--steps", "2", *TINY]
    args += ["--set", f"cache_dir={lm_cache}", "--json", "--out", str(tmp_path)]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    d = json.loads(out)
    assert d["policy"] == "fixed" and d["beta_per_head"] == [[2.0, 2.0], [2.0, 2.0]]
    assert d["config"]["policy_kwargs"] == {"beta": 2.0}


def test_compare_json_contract_and_report(capsys, tmp_path, lm_cache):
    args = [
        "compare",
        "--policies",
        "sqrt_dk,critical,learned",
        "--seeds",
        "2",
        "--steps",
        "10",
        *TINY,
        "--recalibrate-every",
        "5",
        "--set",
        f"cache_dir={lm_cache}",
        "--executor",
        "serial",
        "--json",
        "--out",
        str(tmp_path),
    ]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    d = json.loads(out)
    assert not naming_problems(d), naming_problems(d)
    assert isinstance(d["target_loss"], float)
    assert [p["name"] for p in d["policies"]] == ["sqrt_dk", "critical", "learned"]
    for p in d["policies"]:
        assert set(p["final_val_loss"]) >= {"mean", "ci"}
        assert set(p["steps_to_target"]) >= {"mean", "ci", "reached"}
        assert p["tokens_per_s"] > 0
    assert d["verdict"] in ("supported", "not supported", "inconclusive")
    assert d["verdict"] == "inconclusive"  # two seeds never decide
    html = (tmp_path / "report.html").read_text()
    assert "Verdict" in html and html.count("<img") >= 3
    # re-running resumes from the store: nothing is trained again
    code, out2, err = run(capsys, *args)
    assert code == 0 and json.loads(out2)["policies"] == d["policies"]


def test_compare_specs_from_yaml_and_flag(capsys, tmp_path, lm_cache):
    cfg = tmp_path / "cmp.yaml"
    cfg.write_text(
        "steps: 6\nn_layer: 1\nn_head: 2\nd_model: 32\ncontext: 32\nbatch_size: 4\n"
        f"eval_every: 3\nrecalibrate_every: 0\ncache_dir: {lm_cache}\n"
        "policies:\n  - sqrt_dk\n  - fixed:beta=6.0\n  - {policy: critical, every: 3}\n"
    )
    common = ["--seeds", "1", "--executor", "serial", "--json", "--config", str(cfg)]
    code, out, err = run(capsys, "compare", *common, "--out", str(tmp_path / "a"))
    assert code == 0, err
    d = json.loads(out)
    assert [p["name"] for p in d["policies"]] == ["sqrt_dk", "fixed:beta=6.0", "critical:every=3"]
    assert d["control"]["control"] == "fixed:beta=6.0"
    assert (tmp_path / "a" / "runs" / "fixed-beta=6.0_seed0" / "checkpoint.pt").is_file()
    html = (tmp_path / "a" / "report.html").read_text()
    assert "critical:every=3 vs fixed:beta=6.0" in html
    # --policies overrides the file's list
    code, out, err = run(
        capsys,
        "compare",
        *common,
        "--policies",
        "sqrt_dk,fixed:beta=3",
        "--out",
        str(tmp_path / "b"),
    )
    assert code == 0, err
    d = json.loads(out)
    assert [p["name"] for p in d["policies"]] == ["sqrt_dk", "fixed:beta=3"]
    assert d["control"] is None


def test_train_refuses_to_overwrite_a_checkpoint(capsys, tmp_path, lm_cache):
    """A second ``train --out DIR`` replaced DIR's checkpoint silently (another
    run's, or this one's before --resume): now refused in one line, the file
    untouched, unless --overwrite; --resume of that very file still continues."""
    base = ["train", "--steps", "2", *TINY, "--set", f"cache_dir={lm_cache}", "--json"]
    code, out, err = run(capsys, *base, "--seed", "0", "--out", str(tmp_path / "a"))
    assert code == 0, err
    ckpt = tmp_path / "a" / "checkpoint.pt"
    before = ckpt.read_bytes()
    code, out, err = run(capsys, *base, "--seed", "1", "--out", str(tmp_path / "a"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--overwrite" in err and "--resume" in err
    assert ckpt.read_bytes() == before
    # --resume of another checkpoint into DIR would replace DIR's: refused too
    code, out, err = run(capsys, *base, "--seed", "1", "--out", str(tmp_path / "b"))
    assert code == 0, err
    other = tmp_path / "b" / "checkpoint.pt"
    code, out, err = run(capsys, "train", "--resume", str(other), "--steps", "3", "--json",
                         "--out", str(tmp_path / "a"))  # fmt: skip
    assert code == 2 and "another checkpoint" in err and ckpt.read_bytes() == before
    # continuing DIR's own checkpoint is not an overwrite
    code, out, err = run(capsys, "train", "--resume", str(ckpt), "--steps", "3", "--json")
    assert code == 0, err
    assert json.loads(out)["steps"] == 3
    code, out, err = run(capsys, *base, "--seed", "1", "--overwrite", "--out", str(tmp_path / "a"))
    assert code == 0, err
    assert json.loads(out)["seed"] == 1 and ckpt.read_bytes() != before
