"""Exports with proper columns (CSV/JSON/Parquet) and ``to_dataframe`` on stored
points, sweep results, phase maps and comparisons."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from datetime import datetime

import pandas as pd
import pytest

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.runs import ResultsStore, export_records, to_dataframe
from isingformer.runs.frames import flatten

T0 = 1_800_000_000.25  # 2027-01-15T08:00:00.25Z


def _store(path):
    st = ResultsStore.open(path)
    for i, x in enumerate((2.0, 3.0)):
        st.put(
            "demo.sweep",
            {"x": x, "seed": i, "grid": {"L": 8}},
            {"y": x * x, "curve": [x, 2 * x, float("nan")], "fit": {"a": 1.5, "b": None}},
            started=T0 + i,
            finished=T0 + i + 0.5,
        )
    return st


def test_flatten_rules():
    flat = flatten({"a": {"b": 1, "c": [1, 2]}, "d": [{"e": 3}], "f": float("inf")})
    assert flat == {"a.b": 1, "a.c": [1, 2], "d.0.e": 3, "f": None}
    assert flatten({"a": [1, 2]}, expand_lists=True) == {"a.0": 1, "a.1": 2}


def test_csv_has_plain_cells_and_iso_times(tmp_path):
    with _store(tmp_path / "s.sqlite") as st:
        text = export_records(st, None, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    cols = list(rows[0])
    assert cols[:7] == ["sweep", "key", "seed", "version", "started", "finished", "seconds"]
    for col in ("config.x", "config.grid.L", "result.y", "result.curve.0", "result.curve.2"):
        assert col in cols
    assert "result.curve" not in cols  # lists become one column per entry
    for row in rows:  # no JSON text in any cell
        assert not any(v.startswith(("[", "{")) for v in row.values())
    started = datetime.fromisoformat(rows[0]["started"])
    assert started.utcoffset().total_seconds() == 0
    assert abs(started.timestamp() - T0) < 1e-3
    assert float(rows[1]["result.y"]) == 9.0 and rows[0]["result.curve.2"] == ""


def test_json_keeps_nesting_with_iso_times(tmp_path):
    with _store(tmp_path / "s.sqlite") as st:
        data = json.loads(export_records(st, "demo.sweep", "json"))
    assert [d["result"]["y"] for d in data] == [4.0, 9.0]
    assert data[0]["result"]["curve"][2] is None  # strict JSON: NaN -> null
    assert datetime.fromisoformat(data[0]["finished"]).timestamp() == pytest.approx(T0 + 0.5)


def test_parquet_round_trip(tmp_path):
    with _store(tmp_path / "s.sqlite") as st:
        blob = export_records(st, None, "parquet")
        with pytest.raises(InputError, match="--format"):
            export_records(st, None, "xlsx")
    frame = pd.read_parquet(io.BytesIO(blob))
    assert str(frame["started"].dtype) == "datetime64[ns, UTC]" or "UTC" in str(
        frame["started"].dtype
    )
    assert list(frame["result.curve"].iloc[1][:2]) == [3.0, 6.0]
    assert math.isnan(frame["result.curve"].iloc[1][2]) or frame["result.curve"].iloc[1][2] is None
    assert frame["config.grid.L"].tolist() == [8, 8]


def test_runs_export_cli(tmp_path, capsys):
    store = tmp_path / "s.sqlite"
    _store(store).close()
    out = tmp_path / "points.parquet"
    assert main(["runs", "export", "--store", str(store), "--output", str(out)]) == 0
    assert len(pd.read_parquet(out)) == 2  # format from the suffix
    assert main(["runs", "export", "--store", str(store), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["runs", "export", "--store", str(store), "--format", "parquet"]) == 2
    assert "--output" in capsys.readouterr().err
    assert main(["runs", "export", "--store", str(store), "-o", str(tmp_path / "x.csv")]) == 2


def test_to_dataframe_on_store_and_sweep_results(tmp_path):
    with _store(tmp_path / "s.sqlite") as st:
        frame = to_dataframe(st, sweep="demo.sweep")
        assert frame.equals(st.to_dataframe("demo.sweep"))
    assert frame["result.y"].tolist() == [4.0, 9.0]
    assert str(frame["started"].dt.tz) == "UTC"
    rows = to_dataframe([{"n": 8, "e": {"mean": -1.0, "err": 0.1}}, {"n": 16}])
    assert list(rows.columns) == ["n", "e.mean", "e.err"] and len(rows) == 2
    with pytest.raises(InputError, match="to_dataframe"):
        to_dataframe(42)


def test_to_dataframe_on_phase_map_and_comparison():
    from isingformer.lm.compare import Comparison
    from isingformer.probe.phase import HeadPhase, PhaseMap

    def head(layer, h):
        values = {f.name: 0.5 for f in dataclasses.fields(HeadPhase)}
        values.update(layer=layer, head=h, phase="critical", peak_at_edge=False)
        values.update(betas=[0.1, 0.2], mean_heat_capacity=[1.0, 2.0])
        return HeadPhase(**values)

    pmap = PhaseMap(
        model="tiny",
        model_path="/x",
        n_layers=2,
        n_heads=2,
        n_texts=1,
        n_tokens=4,
        config={},
        heads=[head(layer, h) for layer in range(2) for h in range(2)],
        finite_size=[],
        seconds={},
    )
    frame = pmap.to_dataframe()
    assert len(frame) == 4 and {"model", "layer", "head", "phase", "ratio"} <= set(frame)
    assert "betas" not in frame and "betas" in pmap.to_dataframe(curves=True)
    runs = [
        {"name": p, "policy": p, "seed": s, "final_val_loss": 2.0 + s, "evals": evals}
        for p in ("sqrt_dk", "critical")
        for s in (0, 1)
        for evals in [[{"step": 0, "val_loss": 4.0}, {"step": 10, "val_loss": 3.0}]]
    ]
    comp = Comparison(
        target_loss=3.0,
        target_source="given",
        baseline="sqrt_dk",
        scale={},
        policies=[{"name": "sqrt_dk", "final_val_loss": {"mean": 2.5}}],
        paired=[],
        runs=runs,
        verdict="inconclusive",
        verdict_text="",
    )
    assert comp.to_dataframe().shape[0] == 4 and "evals" not in comp.to_dataframe()
    evals = comp.to_dataframe("evals")
    assert len(evals) == 8 and list(evals.columns[:3]) == ["name", "policy", "seed"]
    assert comp.to_dataframe("policies")["final_val_loss.mean"].tolist() == [2.5]
    with pytest.raises(InputError, match="kind"):
        comp.to_dataframe("nope")
