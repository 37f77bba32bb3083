"""The SQLite results store and the sweep runner, including a real kill."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from isingformer import __version__
from isingformer.errors import InputError, StoreError
from isingformer.runs import ResultsStore, config_key, export_records, run_sweep

sys.path.insert(0, str(Path(__file__).parent))
import sweep_points

HERE = Path(__file__).parent


def test_put_get_and_metadata(tmp_path):
    with ResultsStore.open(tmp_path / "s.sqlite") as st:
        st.put("demo", {"x": 1, "seed": 7}, {"y": 2.5}, started=10.0, finished=12.5)
        assert st.get("demo", {"seed": 7, "x": 1}) == {"y": 2.5}  # key order irrelevant
        rec = next(st.records("demo"))
        assert rec.seed == 7 and rec.version == __version__ and rec.seconds == pytest.approx(2.5)
        assert st.sweeps()[0]["points"] == 1
    conn = sqlite3.connect(tmp_path / "s.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_config_key_is_canonical():
    assert config_key({"a": 1, "b": [1, 2]}) == config_key({"b": [1, 2], "a": 1})
    assert config_key({"a": 1}) != config_key({"a": 2})


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_sweep_runs_and_skips_finished(tmp_path, executor):
    path = tmp_path / "s.sqlite"
    configs = [{"x": x, "seed": 0} for x in range(5)]
    with ResultsStore.open(path) as st:
        res = run_sweep(
            sweep_points.square,
            configs,
            sweep="sq",
            store=st,
            executor=executor,
            max_workers=2,
            progress=False,
        )
    assert [r["y"] for r in res] == [x * x for x in range(5)]
    if executor == "process":
        assert any(r["pid"] != os.getpid() for r in res)
    with ResultsStore.open(path) as st:
        before = {r.key: r.finished for r in st.records("sq")}
        res2 = run_sweep(
            sweep_points.square,
            [*configs, {"x": 9, "seed": 0}],
            sweep="sq",
            store=st,
            executor=executor,
            progress=False,
        )
        after = {r.key: r.finished for r in st.records("sq")}
    assert res2[-1]["y"] == 81
    assert all(after[k] == v for k, v in before.items())  # finished points not recomputed
    assert len(after) == 6


def test_dask_executor(tmp_path):
    configs = [{"x": x} for x in range(3)]
    res = run_sweep(
        sweep_points.square, configs, sweep="sq", executor="dask", max_workers=2, progress=False
    )
    assert [r["y"] for r in res] == [0, 1, 4]


def test_unknown_executor():
    with pytest.raises(InputError):
        run_sweep(sweep_points.square, [{"x": 1}], sweep="s", executor="ray")


def test_failing_point_keeps_finished_ones(tmp_path):
    path = tmp_path / "s.sqlite"
    with ResultsStore.open(path) as st, pytest.raises(RuntimeError, match="boom"):
        run_sweep(
            sweep_points.failing,
            [{"x": 0}, {"x": 1}, {"x": 2}, {"x": 3}],
            sweep="f",
            store=st,
            executor="serial",
            progress=False,
        )
    with ResultsStore.open(path) as st:
        assert len(list(st.records("f"))) == 2


def test_kill_mid_sweep_loses_only_points_in_flight(tmp_path):
    """SIGKILL a real subprocess in the middle of a sweep; the store stays
    valid, keeps every finished point, and the re-run computes only the rest."""
    store = tmp_path / "runs.sqlite"
    log = tmp_path / "computed.log"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(HERE)!r})
        import sweep_points
        from isingformer.runs import ResultsStore, run_sweep
        configs = [{{"x": x, "sleep": 0.25, "log": {str(log)!r}}} for x in range(40)]
        with ResultsStore.open({str(store)!r}) as st:
            run_sweep(sweep_points.slow_logged, configs, sweep="slow", store=st,
                      executor="serial", progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 60
    done = 0
    while time.time() < deadline:
        time.sleep(0.2)
        if store.exists():
            try:
                with ResultsStore.open(store) as st:
                    done = len(list(st.records("slow")))
            except StoreError:
                done = 0
        if done >= 4:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with ResultsStore.open(store) as st:
        kept = {r.config["x"] for r in st.records("slow")}
    computed = [int(v) for v in log.read_text().split()]
    assert 4 <= len(kept) < 40
    # at most the point in flight was computed but not stored
    assert set(computed) - kept <= {max(computed)}
    assert len(set(computed) - kept) <= 1

    # re-run: only the missing points are computed
    log.write_text("")
    configs = [{"x": x, "sleep": 0.0, "log": str(log)} for x in range(40)]
    # same configs as before except sleep: use the original to hit the store
    configs = [{"x": x, "sleep": 0.25, "log": str(log)} for x in range(40)]
    with ResultsStore.open(store) as st:
        res = run_sweep(
            sweep_points.slow_logged,
            configs,
            sweep="slow",
            store=st,
            executor="process",
            max_workers=2,
            progress=False,
        )
    assert [r["y"] for r in res] == [10 * x for x in range(40)]
    recomputed = {int(v) for v in log.read_text().split()}
    assert recomputed == set(range(40)) - kept


def test_corrupt_store_is_rejected_and_untouched(tmp_path):
    bad = tmp_path / "bad.sqlite"
    payload = b"this is not a database" * 100
    bad.write_bytes(payload)
    with pytest.raises(StoreError, match="not a SQLite database"):
        ResultsStore.open(bad)
    assert bad.read_bytes() == payload
    # a valid SQLite file of another application
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE foo(x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not an isingformer results store"):
        ResultsStore.open(other)
    assert other.read_bytes() == before


def test_export_csv_and_json(tmp_path):
    with ResultsStore.open(tmp_path / "s.sqlite") as st:
        run_sweep(
            sweep_points.square,
            [{"x": 2}, {"x": 3}],
            sweep="sq",
            store=st,
            executor="serial",
            progress=False,
        )
        data = json.loads(export_records(st, "sq", "json"))
        csv_text = export_records(st, None, "csv")
        with pytest.raises(InputError):
            export_records(st, "nope", "csv")
        with pytest.raises(InputError):
            export_records(st, "sq", "xml")
    assert sorted(d["result"]["y"] for d in data) == [4, 9]
    header = csv_text.splitlines()[0].split(",")
    assert "config.x" in header and "result.y" in header
    assert len(csv_text.splitlines()) == 3
