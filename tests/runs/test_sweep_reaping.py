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
