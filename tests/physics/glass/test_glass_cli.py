"""CLI contracts of ``isingformer glass``."""

from __future__ import annotations

import json

import pytest

from isingformer.cli import main


def _run(capsys, args):
    code = main(args)
    out = capsys.readouterr()
    return code, out


def test_glass_sk_json(capsys):
    code, out = _run(
        capsys,
        [
            "glass",
            "sk",
            "--sizes",
            "8,12,16",
            "--samples",
            "3",
            "--seed",
            "0",
            "--executor",
            "serial",
            "--json",
        ],
    )
    assert code == 0
    d = json.loads(out.out)
    assert [p["size"] for p in d["points"]] == [8, 12, 16]
    for p in d["points"]:
        assert {"size", "e0_mean", "e0_err"} <= set(p)
        assert -1.0 < p["e0_mean"] < -0.5
    assert "e_inf" in d and "e_inf_err" in d


def test_glass_overlap_json(capsys):
    code, out = _run(
        capsys,
        [
            "glass",
            "overlap",
            "--sizes",
            "16",
            "--samples",
            "3",
            "--sweeps",
            "400",
            "--executor",
            "serial",
            "--json",
        ],
    )
    assert code == 0
    d = json.loads(out.out)
    c = d["curves"][0]
    assert d["q_rs"] > 0 and len(c["density"]) == len(c["edges"]) - 1
    widths = [b - a for a, b in zip(c["edges"][:-1], c["edges"][1:], strict=True)]
    assert abs(sum(p * w for p, w in zip(c["density"], widths, strict=True)) - 1) < 1e-9


@pytest.mark.parametrize(
    "args",
    [
        ["glass", "sk", "--sizes", "2"],
        ["glass", "sk", "--sizes", "x"],
        ["glass", "sk", "--sizes", "8", "--samples", "1"],
        # an error bar over 2 disorder samples is no interval (stats rule: n >= 3)
        ["glass", "sk", "--sizes", "8", "--samples", "2"],
        ["glass", "overlap", "--sizes", "8", "--samples", "2"],
        ["hopfield", "capacity", "--sizes", "20", "--alphas", "0.1,0.2", "--trials", "2"],
        ["glass", "sk", "--sizes", "8", "--ladder", "bogus"],
        ["glass", "overlap", "--temperature", "1.2"],
        ["glass", "sk", "--temperatures", "0.2,0.5"],
        ["glass", "sk", "--temperatures", "0.5:0.5:1"],
        ["glass", "sk", "--executor", "banana"],
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, args):
    code, out = _run(capsys, args)
    assert code == 2
    assert out.out == ""
    assert len(out.err.strip().splitlines()) == 1
