"""The one JSON contract of every command (docs/cli.md, "JSON output"): the
encoding of non-finite numbers, the same in ``--json``, in the files
``--out`` writes and in ``runs export --format json``."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

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


# --- key names (docs/cli.md, "JSON output") ---------------------------------

_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_DATA_KEY = re.compile(r"^-?[0-9.]+$|[, ]")  # a size, a dimension, a token sequence
_COUNTS = ("samples", "trials", "sweeps", "steps", "n_boot")
#: left as they are, documented in docs/cli.md (to be renamed with the next format change)
KNOWN_EXCEPTIONS = {
    "numbers zeros": {"d"}, "numbers leeyang": {"u"},
    "quantum verify": {"L", "M"}, "quantum run": {"L", "M"}, "quantum example": {"M"},
}  # fmt: skip


def naming_problems(obj, path: str = "", allowed: frozenset = frozenset({"n"})) -> list[str]:
    """Keys that break the naming rules: not lower-case snake_case, a single
    letter other than ``n``, ``seeds`` not a list of integers, ``n_seeds`` not a
    count (or a dict of counts), a count key (``samples``, ``trials``, …) that
    is not an integer or a list of integers."""
    bad: list[str] = []
    if isinstance(obj, list):
        for i, v in enumerate(obj):
            bad += naming_problems(v, f"{path}[{i}]", allowed)
        return bad
    if not isinstance(obj, dict):
        return bad
    symbols = path.rsplit(".", 1)[-1].startswith("fit")  # a fit's formula coefficients
    entry = re.search(r"\.(points|curves|alpha_50)\[\d+\]$", path)  # one per system size
    estimate = {"ci", "value", "mean"} & set(obj)  # an estimate the n could count
    if entry and _is_int(obj.get("n")) and not estimate:
        bad.append(f"{path}.n: a system size named n (n counts values); use size")
    for k, v in obj.items():
        where = f"{path}.{k}"
        if not _DATA_KEY.search(k) and k not in allowed and not (symbols and len(k) == 1):
            if not _NAME.match(k):
                bad.append(f"{where}: not a lower-case snake_case name")
            elif len(k) == 1:
                bad.append(f"{where}: a single-letter key")
        if k == "seeds" and not (isinstance(v, list) and all(_is_int(s) for s in v)):
            bad.append(f"{where}: seeds is not the list of seed values")
        if k == "n_seeds" and not (
            _is_int(v) or (isinstance(v, dict) and all(map(_is_int, v.values())))
        ):
            bad.append(f"{where}: n_seeds is not a count")
        count = k in _COUNTS or (k.startswith("n_") and k != "n_seeds")
        ints = _ints(v)
        if count and v is not None and not ints:
            bad.append(f"{where}: a count that is not an integer")
        bad += naming_problems(v, where, allowed)
    return bad


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _ints(x) -> bool:
    """An integer, or a (nested) list of integers (per layer, per head)."""
    return _is_int(x) or (isinstance(x, list) and all(_ints(v) for v in x))


def command_naming_problems(name: str, data: dict) -> list[str]:
    """:func:`naming_problems` with the command's documented exceptions."""
    return naming_problems(data, allowed=frozenset({"n"} | KNOWN_EXCEPTIONS.get(name, set())))


def test_the_naming_checker_can_fail():
    assert naming_problems({"T": 2.0}) and naming_problems({"nSamples": 3})
    assert naming_problems({"L": 4}) and naming_problems({"d": 4})
    assert naming_problems({"seeds": 3}) and naming_problems({"config": {"seeds": 3}})
    assert naming_problems({"samples": {"n": 3, "counts": {}}})  # a dict named like a count
    assert naming_problems({"n_seeds": [0, 1]})
    ok = {"size": 4, "seeds": [0, 1, 2], "n_seeds": 3, "samples": 20, "n": 3, "dims": {"2": {}}}
    assert not naming_problems({**ok, "joint": {"x0,x1": 0.5}, "per_size": {"64": 3}})
    assert not naming_problems({"n_seeds": {"periodic": 3}, "curves_n_samples": [4, 4]})
    assert not command_naming_problems("numbers zeros", {"gue": {"d": 0.1, "n": 3}})
    assert not naming_problems({"fit": {"a": 1.0, "p": 0.9, "p_ci": [0.8, 1.0]}})
    assert naming_problems({"points": [{"n": 64, "e0_mean": -0.7}]})  # N named n
    assert not naming_problems({"points": [{"size": 64, "e0_mean": -0.7, "samples": 5}]})
    assert not naming_problems({"points": [{"mean": 0.1, "ci": [0.0, 0.2], "n": 3}]})
    assert naming_problems({"p": 0.5}) and naming_problems({"config": {"a": 1.0}})


def test_old_ising_tc_points_still_resume(tmp_path, monkeypatch):
    """``ising tc`` points stored before the rename (result keys ``L``, ``M``,
    ``T``) are read back on a re-run with the same store: nothing is
    recomputed and the study is the same."""
    import sqlite3

    import isingformer.physics.ising.study as study
    from isingformer.runs import ResultsStore

    store = tmp_path / "runs.sqlite"
    kw = dict(
        sizes=[4, 6], temperatures=[2.1, 2.2, 2.3, 2.4, 2.5], sweeps=10, seed=3, executor="serial"
    )
    kw.update(progress=False, n_boot=10)
    with ResultsStore.open(store) as st:
        fresh = study.tc_study(**kw, store=st)
    with sqlite3.connect(store) as conn:  # rewrite the rows as an older version stored them
        rows = conn.execute("SELECT key, result FROM points WHERE sweep = 'ising.tc'").fetchall()
        for key, text in rows:
            r = json.loads(text)
            old = {"L": r.pop("size"), "M": r.pop("width"), "T": r.pop("temperature"), **r}
            conn.execute("UPDATE points SET result = ? WHERE key = ?", (json.dumps(old), key))
    assert len(rows) == 10

    def recompute(config):
        raise AssertionError(f"a stored point was recomputed: {config}")

    monkeypatch.setattr(study, "simulate_point", recompute)
    with ResultsStore.open(store) as st:
        again = study.tc_study(**kw, store=st)
    assert strict(json_text(again)) == strict(json_text(fresh))


def test_report_configuration_block_follows_the_rule():
    """The report's "Configuration and versions" block (```json) is strict
    JSON by the same rule: an ``--pretrain inf`` config said ``Infinity``."""
    from isingformer.report import Report

    md, _ = Report("t", {"pretrain": math.inf, "lo": -math.inf, "x": math.nan}, []).to_markdown()
    block = md[md.index("```json") + len("```json") : md.rindex("```")]
    config = strict(block)["config"]
    assert config == {"pretrain": "inf", "lo": "-inf", "x": None}


MORE = {  # commands outside the contract test's list, at their tiniest
    "numbers leeyang": ["numbers", "leeyang", "--size", "3"],
}


@pytest.mark.parametrize("name", MORE)
def test_more_commands_follow_the_naming_rules(name, capsys):
    assert main([*MORE[name], "--json"]) == 0
    data = strict(capsys.readouterr().out)
    assert not command_naming_problems(name, data), command_naming_problems(name, data)
