"""The one JSON contract of every command (docs/cli.md, "JSON output"): the
encoding of non-finite numbers, the same in ``--json``, in the files
``--out`` writes and in ``runs export --format json``."""

from __future__ import annotations

import json
import math

import numpy as np

from isingformer.cli import main
from isingformer.cli._common import json_text


def _refuse(token: str):
    raise ValueError(f"non-strict JSON token {token}")


def strict(text: str):
    """Parse ``text`` as strict JSON (the tokens NaN/Infinity refused)."""
    return json.loads(text, parse_constant=_refuse)


def decode_number(x):
    """What a user script does to read a number back: ``null`` is undefined
    (NaN), ``"inf"``/``"-inf"`` are ±inf."""
    return math.nan if x is None else float(x)


def test_serialiser_encodes_nan_null_and_infinities_as_strings():
    import torch

    obj = {
        "a": float("nan"),
        "b": float("inf"),
        "c": -math.inf,
        "d": np.float32("inf"),
        "e": np.array([1.0, -np.inf, np.nan]),
        "f": torch.tensor([np.inf]),
        "g": (2.5, None, "inf-text"),
    }
    data = strict(json_text(obj))
    assert data == {
        "a": None, "b": "inf", "c": "-inf", "d": "inf", "e": [1.0, "-inf", None],
        "f": ["inf"], "g": [2.5, None, "inf-text"],
    }  # fmt: skip
    assert decode_number(data["b"]) == math.inf and decode_number(data["c"]) == -math.inf
    assert math.isnan(decode_number(data["a"]))


def test_a_real_command_prints_nan_and_infinities_by_the_rule(capsys, tmp_path, monkeypatch):
    """``hyperbolic trees`` with statistics that are NaN, +inf and -inf: stdout
    and ``--out``'s trees.json both say null, "inf", "-inf" (inf was null,
    indistinguishable from an undefined value)."""
    import isingformer.hyperbolic.trees as trees

    real = trees.tree_stats

    class Stats:
        def __init__(self, s):
            self.s = s

        def to_dict(self):
            extra = {"gromov_delta": math.nan, "growth_rate": math.inf}
            return {**self.s.to_dict(), **extra, "mean_degree": -math.inf}

    monkeypatch.setattr(trees, "tree_stats", lambda *a, **k: Stats(real(*a, **k)))
    argv = ["hyperbolic", "trees", "--branching", "2", "--depth", "2", "--json"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    data = strict(out)
    tree = data["trees"][0]
    assert (tree["gromov_delta"], tree["growth_rate"], tree["mean_degree"]) == (None, "inf", "-inf")
    assert strict((tmp_path / "trees.json").read_text(encoding="utf-8")) == data


def test_runs_export_json_follows_the_same_rule(tmp_path, capsys):
    from isingformer.runs import ResultsStore

    path = tmp_path / "s.sqlite"
    with ResultsStore.open(path) as st:
        y = [math.nan, math.inf, -math.inf, 2.0]
        st.put("demo.sweep", {"x": 1.0}, {"y": y}, started=1.0, finished=2.0)
    assert main(["runs", "export", "demo.sweep", "--store", str(path), "--format", "json"]) == 0
    rows = strict(capsys.readouterr().out)
    assert rows[0]["result"]["y"] == [None, "inf", "-inf", 2.0]
    assert main(["runs", "show", "demo.sweep", "--store", str(path), "--json"]) == 0
    shown = strict(capsys.readouterr().out)
    assert "inf" in json.dumps(shown) and "-inf" in json.dumps(shown)
