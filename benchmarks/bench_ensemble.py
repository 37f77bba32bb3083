"""Speed and memory of the Gibbs-ensemble core (issue 2 targets).

Thermodynamics of 1,000 rows x 1,024 states over 256 β values:
- speed: at least 3x a plain loop calling ``torch.softmax`` once per β
  (computing the same quantities: log Z, U, Var, S, max weight, IPR);
- memory: peak extra memory at most 4x the energy tensor.

Both run in this process (speed) or in fresh subprocesses (memory, from the
peak resident set size). Prints ratios; run with ``python benchmarks/bench_ensemble.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import torch

ROWS, STATES, NBETA = 1000, 1024, 256


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


def _best(fn, *args, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


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
    fn(E[:2], betas[:2])  # warm up kernels
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
    torch.manual_seed(0)
    for dtype in ("float32", "float64"):
        dt = getattr(torch, dtype)
        E = torch.randn(ROWS, STATES, dtype=dt)
        betas = torch.linspace(0.01, 5, NBETA, dtype=dt)
        ref, mine = baseline(E, betas), ours(E, betas)
        err = (ref["var"] - mine.var_energy).abs().max().item()
        t_base = _best(baseline, E, betas)
        t_ours = _best(ours, E, betas)
        print(
            f"[{dtype}] {ROWS}x{STATES} states, {NBETA} betas: softmax loop {t_base:.3f} s, "
            f"ensemble core {t_ours:.3f} s -> speed-up {t_base / t_ours:.2f}x (target >= 3x); "
            f"max |ΔVar| = {err:.2e}"
        )
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
        print(
            f"[{dtype}] peak extra memory: ensemble core {mem['ours']['extra_bytes'] / eb:.2f}x the "
            f"energy tensor (target <= 4x); softmax loop {mem['baseline']['extra_bytes'] / eb:.2f}x"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--memory-child":
        _memory_child(sys.argv[2], sys.argv[3])
    else:
        main()
