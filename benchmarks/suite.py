"""The benchmark suite: run every ``benchmarks/bench_*.py`` script, collect one
table of ratios with thread counts and machine info, and write JSON.

    python -m benchmarks                      # short mode, 1 thread
    python -m benchmarks --threads 1,2        # every script at 1 and at 2 threads
    python -m benchmarks --only ising,attention --full
    python -m benchmarks --render benchmarks/results/FILE.json   # markdown table

Each script runs in its own process (``ISINGFORMER_THREADS`` set to the thread
count, its baseline measured in that same process), with the short-mode
arguments of :data:`SHORT` unless ``--full``. Every line of its output that
states a ratio (a number followed by ``x``, e.g. ``12.3x``) becomes one row:
the label is the text before the number, the target and verdict are read from
the same line when it states them. A script that fails (missing optional model
or package, time-out) becomes one row with its error; the suite goes on.

The JSON (``benchmarks/results/<machine>-<UTC time>.json``) holds the machine
info (CPU, cores, load average before and after, library versions, git
commit), every row, and every script's full output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# short-mode arguments: small but honest sizes, each script well under a minute
SHORT: dict[str, list[str]] = {
    "analyze": ["--texts", "8", "--tokens", "128", "--betas", "200", "--reps", "2"],
    "analyze_scale": ["--sizes", "256,1024,4096", "--models", "110M,1.1B", "--reps", "1"],
    "attention": ["--batch", "2", "--seq", "128", "--reps", "5"],
    "ensemble": [],
    "glass": [],
    "gpu": [],
    "hyperbolic": ["--batch", "2", "--seq", "128", "--reps", "5"],
    "icl": [],
    "ising": ["--min-seconds", "0.5"],
    "ising_parallel": ["--sweeps", "10", "--repeat", "3"],
    "layers": ["4"],
    "numbers": ["1e8"],
    "quantum": [],
    "training": ["--steps", "10", "--repeats", "2"],
}

# "12.3x" (no space: "4 x 128" is a shape, not a ratio)
_RATIO = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)x(?![\w])")
_TARGET = re.compile(r"target\s*(<=|>=|≤|≥)\s*(\d+(?:\.\d+)?)\s?x?")
_THE_TARGET = re.compile(r"the (\d+(?:\.\d+)?)\s?x target")  # "(meets the 15x target)"
_THREADS = re.compile(r"(\d+)\s+thread")
_BAD = ("MISSES", "ABOVE TARGET", "BELOW TARGET", "FAIL")


def scripts() -> dict[str, Path]:
    """Every benchmark script, by short name (``bench_ising.py`` is ``ising``)."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def parse_rows(bench: str, output: str, threads: int) -> list[dict]:
    """The ratio rows of one script's output.

    A row is ``{bench, label, ratio, threads, target, verdict, line}``; ``target``
    is e.g. ``">= 15"`` (or None), ``verdict`` "ok", "misses" or None (no target
    stated). ``threads`` is the count the line states, else the one the script
    ran with.
    """
    rows = []
    header = ""
    for raw in output.splitlines():
        line = raw.strip()
        m = _RATIO.search(line)
        if line and raw[0] not in " \t" and not line.startswith("{"):
            header = line
        if m is None or line.startswith("{"):
            continue
        label = line[: m.start()].strip(" :=-—,(")
        label = re.sub(r"\s+", " ", label) or line[:40]
        if raw[0] in " \t" and header:  # an indented line belongs to the header above it
            label = f"{header[:40].rstrip(' :')}: {label}"
        t = _TARGET.search(line)
        target, bound = None, None
        if t is not None:
            target = f"{t.group(1).replace('≤', '<=').replace('≥', '>=')} {t.group(2)}"
            bound = float(t.group(2))
        elif (t := _THE_TARGET.search(line)) is not None:
            target, bound = f">= {t.group(1)}", float(t.group(1))
        verdict = None
        if target is not None:
            ratio = float(m.group(1))
            ok = ratio >= bound if ">" in target else ratio <= bound
            verdict = "ok" if ok and not any(b in line for b in _BAD) else "misses"
        n = _THREADS.search(line)
        rows.append(
            {
                "bench": bench,
                "label": label[:70],
                "ratio": float(m.group(1)),
                "threads": int(n.group(1)) if n else threads,
                "target": target,
                "verdict": verdict,
                "line": line,
            }
        )
    return rows


def machine_info() -> dict:
    """CPU model, core count, load average, OS and library versions, git commit."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    for mod in ("torch", "numba", "numpy"):
        try:
            info[mod] = __import__(mod).__version__
        except ImportError:
            info[mod] = None
    try:
        import torch

        info["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except ImportError:
        info["cuda"] = None
    try:
        info["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = None
    return info


def run_script(name: str, path: Path, args: list[str], threads: int, timeout: float) -> dict:
    """Run one script in a fresh process; its output, seconds, exit code and rows."""
    env = dict(os.environ, ISINGFORMER_THREADS=str(threads))
    env.setdefault("NUMBA_NUM_THREADS", str(threads))
    t0 = time.perf_counter()
    try:
        res = subprocess.run(
            [sys.executable, str(path), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=HERE.parent,
        )
        out, err, code = res.stdout, res.stderr, res.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err, code = f"timed out after {timeout:.0f} s", -1
    seconds = time.perf_counter() - t0
    rec = {
        "bench": name,
        "args": args,
        "threads": threads,
        "seconds": seconds,
        "exit_code": code,
        "stdout": out,
        "stderr_tail": err[-2000:],
        "rows": parse_rows(name, out, threads) if code == 0 else [],
    }
    if code != 0:
        last = [ln for ln in err.strip().splitlines() if ln.strip()]
        rec["error"] = last[-1][:200] if last else f"exit code {code}"
    return rec


def render(result: dict) -> str:
    """The markdown table (and machine line) of one suite result."""
    m = result["machine"]
    load = m.get("loadavg") or [float("nan")] * 3
    head = (
        f"**{m['cpu']}**, {m['cores']} cores, load average {load[0]:.1f} at the start "
        f"(1-min), Python {m['python']}, torch {m['torch']}, numba {m['numba']}"
        f"{', GPU ' + m['cuda'] if m.get('cuda') else ', no GPU'}; commit {m['commit']}, "
        f"{result['utc']}, {result['mode']} mode."
    )
    lines = [
        head,
        "",
        "| bench | measurement | ratio | threads | target | verdict |",
        "|---|---|---:|---:|---|---|",
    ]
    for rec in result["runs"]:
        if rec["exit_code"] != 0:
            err = rec.get("error", "").replace("|", "/")
            lines.append(f"| {rec['bench']} | not run: {err} | – | {rec['threads']} | – | – |")
            continue
        if not rec["rows"]:
            first = (rec["stdout"].strip().splitlines() or ["no output"])[0].replace("|", "/")
            lines.append(
                f"| {rec['bench']} | ran, no ratio: {first[:70]} | – | {rec['threads']} | – | – |"
            )
        for r in rec["rows"]:
            label = r["label"].replace("|", "/")
            lines.append(
                f"| {r['bench']} | {label} | {r['ratio']:g}x | {r['threads']} | "
                f"{r['target'] or '–'} | {r['verdict'] or '–'} |"
            )
    return "\n".join(lines)


def run_suite(
    only: list[str] | None = None,
    threads: list[int] | None = None,
    full: bool = False,
    timeout: float = 600.0,
    progress=None,
    save=None,
) -> dict:
    """Run the scripts (all, or ``only``) at each thread count; the result dict.

    ``save(result)``, if given, is called after every script with the result so
    far (an interrupted suite keeps what it measured)."""
    found = scripts()
    names = only if only else list(found)
    unknown = [n for n in names if n not in found]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; known: {sorted(found)}")
    machine = machine_info()
    start = dt.datetime.now(dt.UTC)
    result = {
        "utc": start.strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "full" if full else "short",
        "machine": machine,
        "runs": [],
    }
    for n_threads in threads or [1]:
        for name in names:
            args = [] if full else SHORT.get(name, [])
            if progress:
                progress(f"{name} ({n_threads} thread(s)) ...")
            result["runs"].append(run_script(name, found[name], args, n_threads, timeout))
            machine["loadavg_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
            if save:
                save(result)
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line of ``python -m benchmarks``."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma list of bench names (default: all)")
    ap.add_argument("--threads", default="1", help="comma list of thread counts (default 1)")
    ap.add_argument("--full", action="store_true", help="the scripts' own default sizes")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per script")
    ap.add_argument("--out", default=str(RESULTS), help="directory of the JSON result")
    ap.add_argument("--render", default=None, help="print the markdown table of a result JSON")
    a = ap.parse_args(argv)
    if a.render:
        print(render(json.loads(Path(a.render).read_text())))
        return 0
    try:
        threads = [int(t) for t in a.threads.split(",") if t.strip()]
    except ValueError:
        ap.error("--threads: give a comma list of integers, e.g. 1,2")
    if not threads or min(threads) < 1:
        ap.error("--threads: every count must be >= 1")
    only = [s.strip() for s in a.only.split(",") if s.strip()]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    info = machine_info()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{info['cpu']}-{info['cores']}c").strip("-").lower()
    path = out / f"{slug}-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}.json"

    def save(result: dict) -> None:
        path.write_text(json.dumps(result, indent=1) + "\n")

    result = run_suite(
        only, threads, a.full, a.timeout, progress=lambda s: print(s, file=sys.stderr), save=save
    )
    print(render(result))
    print(f"\nJSON: {path}")
    return 0
