"""CLI contract of ``isingformer icl sweep``."""

from __future__ import annotations

import json

import pytest

from isingformer.cli import main


def test_icl_sweep_json(capsys, tmp_path):
    args = [
        "icl", "sweep", "--dim", "4", "--context", "8", "--tasks", "1,4,16,inf",
        "--seeds", "3", "--model", "linear", "--pretrain", "4", "--pairs", "10",
        "--samples", "50", "--json", "--out", str(tmp_path),
    ]  # fmt: skip
    assert main(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert [p["tasks"] for p in d["points"]] == [1, 4, 16, "inf"]
    for p in d["points"]:
        assert {"mean", "ci"} <= set(p["ood_error"])
        assert {"tasks", "id_error", "dist_to_ridge", "dist_to_pool", "overlap"} <= set(p)
    assert {"value", "ci"} <= set(d["threshold"])
    assert d["theory_threshold"] > 0
    assert (tmp_path / "report.html").exists() and (tmp_path / "runs.sqlite").exists()
    # the report's configuration is enough to rerun it (seed, ridge, pairs, samples were missing)
    md = (tmp_path / "report.md").read_text()
    config = json.loads(md[md.index("{", md.index("## Configuration")) : md.rindex("}") + 1])
    config = config["config"]
    assert (config["seed"], config["pairs"], config["n_eval"]) == (0, 10, 50)
    assert config["ridge"] == d["ridge"] == 1e-4 and config["pretrain"] == 4.0
    # a second run resumes from the store and gives the same answer
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["points"] == d["points"]


@pytest.mark.parametrize(
    "bad",
    [
        ["--dim", "0"],
        ["--context", "0"],
        ["--tasks", "4,0,inf"],
        ["--tasks", "4,-3,inf"],
        ["--tasks", "4,abc"],
        ["--model", "mlp"],
        ["--noise", "0"],
        ["--pretrain", "-1"],
        ["--dim", "64"],
        ["--dims", "0,8"],
        ["--dims", "8:30:4"],
        ["--tasks", "4,1000000"],
        ["--samples", "1000001"],
    ],
)
def test_icl_sweep_bad_input_one_line_exit_2(capsys, bad):
    assert main(["icl", "sweep", *bad, "--json"]) == 2
    err = capsys.readouterr()
    assert err.out == ""
    lines = err.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("isingformer: error: ")


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        (["--tasks", "inf"], "--tasks"),  # was "ValueError: max() arg is an empty sequence"
        (["--ridge", "0", "--pretrain", "0.5", "--tasks", "2,8"], "--ridge"),  # was LinAlgError
        (["--context-ratio", "1e9", "--tasks", "4,16,inf"], "--context-ratio"),  # was OOM
        (  # 100000 x 4096 x 32 float64 tokens: refused before allocating
            ["--dim", "32", "--context", "4096", "--samples", "100000", "--pretrain", "inf"],
            "--samples",
        ),
        (  # 100000 x 1000000 pool weights (800 GB): refused before allocating
            ["--dim", "1", "--context", "1", "--tasks", "2,1000000", "--samples", "100000"],
            "--tasks 1000000",
        ),
        (  # ~2e12 multiply-adds of baselines: refused before running for an hour
            [
                "--dim",
                "32",
                "--context",
                "64",
                "--pretrain",
                "inf",
                "--tasks",
                "2048,4096",
                "--samples",
                "100000",
                "--seeds",
                "3",
            ],
            "--samples 100000 x --tasks",
        ),
    ],
)
def test_icl_sweep_bad_input_names_the_option(capsys, bad, named):
    assert main(["icl", "sweep", *bad, "--seeds", "1", "--pairs", "1", "--json"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and "Error" not in lines[0]
