"""Issue 11 (clean exits): a SIGKILL of a sweep's driver leaves no process
behind (forkserver, resource tracker and pool workers all exit)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def session_members(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # session id, not a zombie
            pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_no_process_survives_a_killed_driver(tmp_path):
    ready = tmp_path / "ready"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(HERE)!r})
        import sweep_points
        from isingformer.runs import run_sweep
        configs = [{{"x": x, "sleep": 120, "log": {str(tmp_path / "log")!r},
                     "ready": {str(ready)!r}}} for x in range(4)]
        run_sweep(sweep_points.slow_logged, configs, sweep="slow", executor="process",
                  max_workers=2, progress=False)
    """)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, start_new_session=True)
    sid = proc.pid
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(list(tmp_path.glob("ready*"))) < 2:
            time.sleep(0.1)
        assert len(list(tmp_path.glob("ready*"))) == 2, "the workers never started"
        assert len(session_members(sid)) >= 4  # driver, tracker, forkserver, 2 workers
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.time() + 15
        while time.time() < deadline and session_members(sid):
            time.sleep(0.1)
        assert session_members(sid) == []
    finally:
        for pid in session_members(sid):  # only processes this test started
            os.kill(pid, signal.SIGKILL)


def test_max_seconds_stops_a_sweep_and_resume_finishes(tmp_path):
    """Past the budget no new point starts; stored points stay; a re-run
    computes only the rest."""
    sys.path.insert(0, str(HERE))
    import sweep_points

    from isingformer.errors import InputError
    from isingformer.runs import ResultsStore, run_sweep

    log = tmp_path / "log"
    configs = [{"x": x, "sleep": 0.2, "log": str(log)} for x in range(6)]
    with ResultsStore.open(tmp_path / "s.sqlite") as st:
        with pytest.raises(InputError, match=r"--max-seconds: .* of 6 points .* re-run"):
            run_sweep(sweep_points.slow_logged, configs, sweep="b", store=st,
                      executor="serial", progress=False, max_seconds=0.3)  # fmt: skip
        first = {int(v) for v in log.read_text().split()}
        assert 1 <= len(first) < 6 and len(list(st.records("b"))) == len(first)
        log.write_text("")
        res = run_sweep(sweep_points.slow_logged, configs, sweep="b", store=st,
                        executor="serial", progress=False)  # fmt: skip
    assert [r["y"] for r in res] == [10 * x for x in range(6)]
    assert {int(v) for v in log.read_text().split()} == set(range(6)) - first


def test_cli_max_seconds(tmp_path, capsys):
    from isingformer.cli import main

    store = tmp_path / "runs.sqlite"
    argv = ["--max-seconds", "1e-9", "ensemble", "rem", "--sizes", "16,32", "--samples", "10",
            "--n-boot", "5", "--executor", "serial", "--store", str(store)]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--max-seconds" in err and "0 of 2 points" in err
    for bad in ("nan", "inf", "-1", "0"):
        assert main(["--max-seconds", bad, "ensemble", "rem"]) == 2
        assert "--max-seconds" in capsys.readouterr().err
    assert main(argv[2:]) == 0  # no budget: the next command is not limited


@pytest.mark.slow
def test_max_seconds_with_a_process_pool(tmp_path):
    sys.path.insert(0, str(HERE))
    import sweep_points

    from isingformer.errors import InputError
    from isingformer.runs import ResultsStore, run_sweep

    configs = [{"x": x, "sleep": 0.5, "log": str(tmp_path / "log")} for x in range(12)]
    with ResultsStore.open(tmp_path / "s.sqlite") as st:
        with pytest.raises(InputError, match="of 12 points"):
            run_sweep(sweep_points.slow_logged, configs, sweep="p", store=st,
                      executor="process", max_workers=2, progress=False, max_seconds=0.2)  # fmt: skip
        stored = len(list(st.records("p")))
    computed = len((tmp_path / "log").read_text().split())
    assert stored == computed < 12  # every computed point was kept, the rest never started
