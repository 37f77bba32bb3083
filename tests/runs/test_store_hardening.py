"""Issue 11 (stores): recognised before touched, read-only reads, empty files
refused, checked before a long job, strict JSON export."""

import hashlib
import json
import os
import sqlite3

import pytest

from isingformer.cli import main
from isingformer.errors import StoreError
from isingformer.runs import ResultsStore
from isingformer.runs.store import APPLICATION_ID, check_store_file


def digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def foreign_db_with_points(path):
    """Another program's database that happens to have a `points` table."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE points(sweep TEXT, key TEXT, x REAL)")
    conn.execute("INSERT INTO points VALUES ('a', 'b', 1.5)")
    conn.commit()
    conn.close()
    return path


def make_store(path):
    with ResultsStore.open(path) as st:
        st.put("s", {"x": 1, "seed": 3}, {"y": float("nan"), "z": 2.0}, started=1.0, finished=2.0)
    return path


def test_new_store_has_application_id(tmp_path):
    p = make_store(tmp_path / "runs.sqlite")
    conn = sqlite3.connect(p)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()
    assert not list(tmp_path.glob(".runs.sqlite.new*"))  # temp build file removed


@pytest.mark.parametrize("read_only", [False, True])
def test_foreign_db_with_points_table_untouched(tmp_path, read_only):
    other = foreign_db_with_points(tmp_path / "other.sqlite")
    before = digest(other)
    with pytest.raises(StoreError, match="not an isingformer results store"):
        ResultsStore.open(other, read_only=read_only)
    assert digest(other) == before  # no switch to WAL mode (header bytes 18-19)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["other.sqlite"]


@pytest.mark.parametrize("cmd", [["list"], ["show", "a"], ["export"]])
def test_runs_commands_leave_foreign_file_alone(tmp_path, capsys, cmd):
    other = foreign_db_with_points(tmp_path / "other.sqlite")
    before = digest(other)
    assert main(["runs", *cmd, "--store", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an isingformer results store" in err
    assert digest(other) == before


def test_long_job_refuses_foreign_store_before_working(tmp_path, capsys, monkeypatch):
    """`--store` naming a foreign file fails before any computation."""
    import isingformer.ensemble as ens

    other = foreign_db_with_points(tmp_path / "other.sqlite")
    before = digest(other)

    def never(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("the job ran before the store was checked")

    monkeypatch.setattr(ens, "rem_study", never)
    assert main(["ensemble", "rem", "--sizes", "16", "--store", str(other)]) == 2
    assert "not an isingformer results store" in capsys.readouterr().err
    assert digest(other) == before
    out = tmp_path / "o"
    out.mkdir()
    foreign_db_with_points(out / "runs.sqlite")
    assert main(["ensemble", "rem", "--sizes", "16", "--out", str(out)]) == 2
    assert "not an isingformer results store" in capsys.readouterr().err


def test_empty_file_refused_unless_creating(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    for ro in (False, True):
        with pytest.raises(StoreError, match="empty file"):
            ResultsStore.open(empty, read_only=ro)
    assert empty.read_bytes() == b""
    with ResultsStore.open(tmp_path / "new.sqlite") as st:  # creating is fine
        assert st.sweeps() == []


def test_read_only_open_writes_nothing(tmp_path):
    p = make_store(tmp_path / "runs.sqlite")
    before = digest(p)
    names = sorted(x.name for x in tmp_path.iterdir())
    with ResultsStore.open(p, read_only=True) as st:
        assert st.sweeps()[0]["points"] == 1
        with pytest.raises(StoreError):
            st.put("s", {"x": 2}, {"y": 1}, started=1.0, finished=2.0)
    assert digest(p) == before
    assert sorted(x.name for x in tmp_path.iterdir()) == names


def test_read_only_reads_points_still_in_the_log(tmp_path):
    """A writer that has not checkpointed yet: its points are in `-wal`."""
    p = make_store(tmp_path / "runs.sqlite")
    writer = ResultsStore.open(p)
    writer._conn.execute("PRAGMA wal_autocheckpoint=0")
    writer.put("s", {"x": 2}, {"y": 1}, started=1.0, finished=2.0)
    try:
        with ResultsStore.open(p, read_only=True) as st:
            assert st.sweeps()[0]["points"] == 2
    finally:
        writer.close()


def test_read_only_never_creates(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        ResultsStore.open(tmp_path / "nope.sqlite", read_only=True)
    assert list(tmp_path.iterdir()) == []


def test_legacy_store_without_application_id_is_recognised(tmp_path):
    p = tmp_path / "old.sqlite"
    conn = sqlite3.connect(p)
    conn.execute(
        "CREATE TABLE points (sweep TEXT NOT NULL, key TEXT NOT NULL, config TEXT NOT NULL, "
        "seed INTEGER, version TEXT NOT NULL, started REAL NOT NULL, finished REAL NOT NULL, "
        "seconds REAL NOT NULL, result TEXT NOT NULL, PRIMARY KEY (sweep, key))"
    )
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    assert check_store_file(p) is True
    with ResultsStore.open(p, read_only=True) as st:
        assert st.sweeps() == []
    with ResultsStore.open(p) as st:
        st.put("s", {"x": 1}, {"y": 1}, started=1.0, finished=2.0)
    assert check_store_file(p) is False  # the id is written at the writable open


def test_concurrent_creators_share_one_store(tmp_path):
    """Two processes racing to create the same store both end up using it."""
    import subprocess
    import sys

    p = tmp_path / "race.sqlite"
    code = (
        "import sys; from isingformer.runs import ResultsStore\n"
        "st = ResultsStore.open(sys.argv[1])\n"
        "st.put('s', {'i': int(sys.argv[2])}, {'ok': 1}, started=0.0, finished=1.0)\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(p), str(i)], env=env) for i in range(4)
    ]
    assert [pr.wait(timeout=60) for pr in procs] == [0, 0, 0, 0]
    with ResultsStore.open(p, read_only=True) as st:
        assert st.sweeps()[0]["points"] == 4


def test_export_json_is_strict(tmp_path, capsys):
    p = make_store(tmp_path / "runs.sqlite")
    assert main(["runs", "export", "--format", "json", "--store", str(p)]) == 0
    text = capsys.readouterr().out
    assert "NaN" not in text
    data = json.loads(text, parse_constant=lambda t: pytest.fail(f"bare {t} in export"))
    assert data[0]["result"] == {"y": None, "z": 2.0}


def test_train_refuses_foreign_store_before_training(tmp_path, capsys):
    other = foreign_db_with_points(tmp_path / "other.sqlite")
    before = digest(other)
    assert main(["train", "--steps", "1", "--store", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an isingformer results store" in err
    assert digest(other) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_store_in_read_only_directory_is_readable(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    p = make_store(folder / "runs.sqlite")
    folder.chmod(0o555)
    try:
        assert main(["runs", "list", "--store", str(p), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["sweeps"][0]["points"] == 1
        assert main(["ensemble", "rem", "--sizes", "16", "--out", str(folder / "x")]) == 2
        assert "not writable" in capsys.readouterr().err
    finally:
        folder.chmod(0o755)
