"""Issue 11 (stores): recognised before touched, read-only reads, empty files
refused, checked before a long job, strict JSON export."""

import hashlib
import json
import os
import sqlite3
from pathlib import Path

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


# --------------------------------------------- read-only folders and files
# Root ignores permission bits, and CI runs as root: the commands then run in
# a subprocess without the capabilities that bypass them (still uid 0, so the
# checkout stays readable), else as user nobody; skipped only if neither works.
_DROPS = [
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"],
    ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"],
    ["runuser", "-u", "nobody", "--"],
]
_PROBE = (
    "import sys, isingformer\n"
    "try:\n    open(sys.argv[1] + '/probe', 'w')\nexcept PermissionError:\n    print('denied')\n"
)
_CALLS = """
import contextlib, io, json, sys
from isingformer.cli import main
out = []
for argv in json.loads(sys.argv[1]):
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        code = main(argv)
    out.append([code, o.getvalue(), e.getvalue()])
print(json.dumps(out))
"""


@pytest.fixture
def shared_dir():
    """A folder every user can read (pytest's own tmp folder is private)."""
    import shutil
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="isingformer-ro-"))
    d.chmod(0o755)
    yield d
    for sub in d.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(d)


def _unprivileged(folder):
    """A command prefix under which ``folder`` (mode 0555) is not writable."""
    import shutil
    import subprocess
    import sys

    if os.geteuid() != 0:
        return []
    for prefix in _DROPS:
        if shutil.which(prefix[0]) is None:
            continue
        probe = [*prefix, sys.executable, "-c", _PROBE, str(folder)]
        try:
            r = subprocess.run(probe, capture_output=True, text=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0 and r.stdout.strip() == "denied":
            return prefix
    pytest.skip("running as root and cannot drop the right to ignore permissions")


def _run_calls(prefix, calls):
    import subprocess
    import sys

    env = {**os.environ, "OMP_NUM_THREADS": "1", "HOME": "/tmp"}
    argv = [*prefix, sys.executable, "-c", _CALLS, json.dumps(calls)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def _listing(folder):
    return {
        str(x.relative_to(folder)): digest(x) if x.is_file() else "dir"
        for x in sorted(folder.rglob("*"))
    }


def test_store_in_read_only_directory(shared_dir):
    """`runs list|show|export` read a store in a read-only folder and write
    nothing; commands that would write there are refused before any work."""
    ro = shared_dir / "ro"
    ro.mkdir()
    p = make_store(ro / "runs.sqlite")
    rw = shared_dir / "rw"
    rw.mkdir()
    frozen = make_store(rw / "frozen.sqlite")
    frozen.chmod(0o444)
    rw.chmod(0o777)
    ro.chmod(0o555)
    before = _listing(shared_dir)
    prefix = _unprivileged(ro)
    rem = ["ensemble", "rem", "--sizes", "16", "--samples", "4", "--betas", "0.5:1:3"]
    rem += ["--executor", "serial"]
    calls = [
        ["runs", "list", "--store", str(p), "--json"],
        ["runs", "show", "s", "--store", str(p), "--json"],
        ["runs", "export", "s", "--store", str(p), "--format", "json"],
        ["runs", "export", "--store", str(p), "--output", str(ro / "x.csv")],
        [*rem, "--out", str(ro / "x")],
        [*rem, "--store", str(p)],
        [*rem, "--store", str(frozen)],
        [*rem, "--out", str(rw / "fresh")],  # control: a writable place works
    ]
    res = _run_calls(prefix, calls)
    (c0, o0, e0), (c1, o1, e1), (c2, o2, e2) = res[:3]
    assert (c0, c1, c2) == (0, 0, 0), (e0, e1, e2)
    assert json.loads(o0)["sweeps"][0]["points"] == 1
    assert json.loads(o1)["points"][0]["config"] == {"x": 1, "seed": 3}
    assert json.loads(o2)[0]["result"] == {"y": None, "z": 2.0}
    for (code, _, err), what in zip(
        res[3:7], ["not writable", "not writable", "folder", "read-only"], strict=True
    ):
        assert code == 2 and err.count("\n") == 1 and what in err, err
    assert res[7][0] == 0, res[7][2]
    after = _listing(shared_dir)
    fresh = {k for k in after if Path(k).parts[:2] == ("rw", "fresh")}
    assert {k: v for k, v in after.items() if k not in fresh} == before  # nothing else written


def test_runs_commands_read_the_env_store_by_default(tmp_path, capsys, monkeypatch):
    """Sweeps without --out/--store write to $ISINGFORMER_STORE; ``runs list|show|export``
    without --store looked only at results/runs.sqlite and could not read it."""
    monkeypatch.chdir(tmp_path)
    p = make_store(tmp_path / "env.sqlite")
    monkeypatch.setenv("ISINGFORMER_STORE", str(p))
    assert main(["runs", "list", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["store"] == str(p) and out["sweeps"][0]["points"] == 1
    assert main(["runs", "show", "s", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["points"][0]["config"] == {"x": 1, "seed": 3}
    assert main(["runs", "export", "s", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["result"]["z"] == 2.0
    monkeypatch.delenv("ISINGFORMER_STORE")
    assert main(["runs", "list"]) == 2  # the fallback: results/runs.sqlite, absent here
    assert "results/runs.sqlite" in capsys.readouterr().err


def test_runs_json_gives_iso_times_like_export(tmp_path, capsys):
    """``runs list --json`` gave epoch floats (and ``runs show --json`` no times)
    where ``runs export`` gives ISO 8601 UTC: now all three agree."""
    p = make_store(tmp_path / "runs.sqlite")
    assert main(["runs", "export", "s", "--store", str(p), "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)[0]
    assert main(["runs", "list", "--store", str(p), "--json"]) == 0
    sweep = json.loads(capsys.readouterr().out)["sweeps"][0]
    assert main(["runs", "show", "s", "--store", str(p), "--json"]) == 0
    point = json.loads(capsys.readouterr().out)["points"][0]
    assert exported["started"].endswith("+00:00")
    assert (sweep["first_started"], sweep["last_finished"]) == (
        exported["started"],
        exported["finished"],
    )
    assert (point["started"], point["finished"]) == (exported["started"], exported["finished"])
