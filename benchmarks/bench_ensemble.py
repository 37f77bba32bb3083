"""Speed and memory of the Gibbs-ensemble core (issue 2 targets).

Thermodynamics of 1,000 rows x 1,024 states over 256 β values:
- speed: at least 3x a plain loop calling ``torch.softmax`` once per β
  (computing the same quantities: log Z, U, Var, S, max weight, IPR);
- memory: peak extra memory at most 4x the energy tensor.

Speed is measured in this process at 1 and 2 torch intra-op threads; each
figure is the **median** of ``REPEAT`` timed repetitions of each side
(interleaved, after a warm-up), so one lucky run cannot stand for the figure.
Memory is measured in fresh subprocesses (peak resident set size). float32
accuracy is stated as max |ΔVar| against the float64 core on the same
energies. Prints ratios; run with ``python benchmarks/bench_ensemble.py``
(``--json`` adds one JSON line with every figure).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

import torch

ROWS, STATES, NBETA = 1000, 1024, 256
REPEAT = 5


def baseline(E: torch.Tensor, betas: torch.Tensor) -> dict:
    out = {k: [] for k in ("log_z", "energy", "var", "entropy", "max_weight", "ipr")}
    for b in betas:
        logits = -b * E
        p = torch.softmax(logits, dim=-1)
        log_z = torch.logsumexp(logits, dim=-1)
        U = (p * E).sum(-1)
        var = (p * E * E).sum(-1) - U * U
        out["log_z"].append(log_z)
        out["energy"].append(U)
        out["var"].append(var)
        out["entropy"].append(log_z + b * U)
        out["max_weight"].append(p.amax(-1))
        out["ipr"].append((p * p).sum(-1))
    return {k: torch.stack(v, -1) for k, v in out.items()}


def ours(E: torch.Tensor, betas: torch.Tensor):
    from isingformer.ensemble import thermodynamics

    return thermodynamics(E, betas)


def _medians(fns, *args, repeat: int = REPEAT) -> list[float]:
    """Median wall time of each function, repetitions interleaved so that a
    change in machine load hits every side alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn(*args)
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096


def _memory_child(which: str, dtype: str) -> None:
    """Peak resident memory above the level before the call, sampled every
    ~0.2 ms by a background thread (Linux /proc)."""
    import threading

    dt = getattr(torch, dtype)
    E = torch.randn(ROWS, STATES, dtype=dt)
    betas = torch.linspace(0.01, 5, NBETA, dtype=dt)
    fn = ours if which == "ours" else baseline
    fn(E[:2], betas[:8])  # warm up kernels (a uniform grid: loads the fused CPU kernel too)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.0002)

    before = _rss()
    th = threading.Thread(target=sample)
    th.start()
    result = fn(E, betas)
    stop.set()
    th.join()
    del result
    out = {"extra_bytes": max(0, peak[0] - before), "energy_bytes": E.numel() * E.element_size()}
    print(json.dumps(out))


def main() -> None:
    figures: dict = {"machine": {"cpus": os.cpu_count(), "torch": torch.__version__}}
    torch.manual_seed(0)
    E64 = torch.randn(ROWS, STATES, dtype=torch.float64)
    b64 = torch.linspace(0.01, 5, NBETA, dtype=torch.float64)
    var64 = ours(E64, b64).var_energy
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for dtype in ("float32", "float64"):
            dt = getattr(torch, dtype)
            E, betas = E64.to(dt), b64.to(dt)
            ref, mine = baseline(E, betas), ours(E, betas)  # also the warm-up
            err = (ref["var"] - mine.var_energy).abs().max().item()
            err64 = (mine.var_energy.double() - var64).abs().max().item()
            t_base, t_ours = _medians([baseline, ours], E, betas)
            figures[f"{dtype}_threads{threads}"] = {
                "softmax_loop_s": t_base,
                "core_s": t_ours,
                "speedup": t_base / t_ours,
                "max_abs_dvar_vs_loop": err,
                "max_abs_dvar_vs_float64_core": err64,
            }
            print(
                f"[{dtype}, {threads} thread(s), median of {REPEAT}] {ROWS}x{STATES} states, "
                f"{NBETA} betas: softmax loop {t_base:.3f} s, ensemble core {t_ours:.3f} s "
                f"-> speed-up {t_base / t_ours:.2f}x (target >= 3x); max |ΔVar| vs loop "
                f"{err:.2e}, vs float64 core {err64:.2e}"
            )
    torch.set_num_threads(1)
    for dtype in ("float32", "float64"):
        mem = {}
        for which in ("ours", "baseline"):
            res = subprocess.run(
                [sys.executable, __file__, "--memory-child", which, dtype],
                capture_output=True,
                text=True,
                check=True,
            )
            mem[which] = json.loads(res.stdout.strip().splitlines()[-1])
        eb = mem["ours"]["energy_bytes"]
        figures[f"{dtype}_memory_ratio"] = mem["ours"]["extra_bytes"] / eb
        print(
            f"[{dtype}] peak extra memory: ensemble core {mem['ours']['extra_bytes'] / eb:.2f}x the "
            f"energy tensor (target <= 4x); softmax loop {mem['baseline']['extra_bytes'] / eb:.2f}x"
        )
    if "--json" in sys.argv:
        print(json.dumps(figures))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--memory-child":
        _memory_child(sys.argv[2], sys.argv[3])
    else:
        main()
