"""CLI contracts of ``isingformer hopfield``."""

from __future__ import annotations

import json

import pytest

from isingformer.cli import main


def _run(capsys, args):
    code = main(args)
    out = capsys.readouterr()
    return code, out


def test_hopfield_capacity_json(capsys):
    code, out = _run(
        capsys,
        [
            "hopfield",
            "capacity",
            "--sizes",
            "100,200",
            "--alphas",
            "0.05:0.4:6",
            "--trials",
            "6",
            "--executor",
            "serial",
            "--json",
        ],
    )
    assert code == 0
    d = json.loads(out.out)
    for c in d["curves"]:
        assert len(c["alpha"]) == len(c["overlap"]) == len(c["p_retrieval"]) == 6
    assert "alpha_c" in d and "alpha_c_err" in d


def test_hopfield_modern_json(capsys):
    code, out = _run(capsys, ["hopfield", "modern", "--betas", "0.1:1000:15", "--json"])
    assert code == 0
    d = json.loads(out.out)
    assert len(d["betas"]) == 15 and abs(d["betas"][1] / d["betas"][0] - 10 ** (4 / 14)) < 1e-9
    assert [r["regime"] for r in d["regimes"]] == ["global", "metastable", "retrieval"]
    assert all(r["beta_min"] <= r["beta_max"] for r in d["regimes"])


@pytest.mark.parametrize(
    "args",
    [
        ["hopfield", "capacity", "--alphas", "0.1:0.2"],
        ["hopfield", "capacity", "--noise", "0.7"],
        ["hopfield", "modern", "--betas", "5:1:10"],
        ["hopfield", "modern", "--betas", "0:1:10"],
        ["hopfield", "modern", "--betas", "2"],
        ["hopfield", "modern", "--spacing", "cubic"],
        ["hopfield", "modern", "--clusters", "0"],
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, args):
    code, out = _run(capsys, args)
    assert code == 2
    assert out.out == ""
    assert len(out.err.strip().splitlines()) == 1
