"""Multi-spin Metropolis and heat-bath on 2 threads against single-threaded C.

    python benchmarks/bench_ising_parallel.py [--size 1024 --sweeps 100 --repeat 9 --threads 2
                                               --blocks 2 --sync-every 10 --json]

Builds ``benchmarks/msc_reference.c`` (the same multi-spin layout and exact
acceptance, one thread, Metropolis and heat-bath) with ``gcc -O3
-march=native`` into a temporary directory, checks that C and the one-thread
Numba kernels give the same lattice bit for bit, then times at L = 1024, T_c
the median of ``--repeat`` interleaved repetitions of each: C (1 thread),
the Numba one-thread kernel, and the strip kernels
(:mod:`isingformer.physics.ising.msc_threads`: ``--blocks`` strips, one
synchronisation per ``--sync-every`` sweeps, GIL-free threads) on 1 and on ``--threads``
threads; then a plain NumPy checkerboard and, when installed, ``mcising``
(Rust, sequential-scan Metropolis, one thread; ``pip install mcising``).
Prints flips/ns, the single-thread ratio Numba / C, the 2-thread ratio / C
(target >= 1.5x, issue 19) and the parallel efficiency (2-thread speed /
(2 x the same strips on one thread)); the same for the heat-bath (against a C
heat-bath) and for parallel tempering of 4 Metropolis replicas (whole
replicas per thread, :mod:`isingformer.physics.ising.msc_tempering`; against
the C Metropolis). Under a load average above the core count the 2-thread
rows measure the scheduler: the load is printed.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

P64 = ctypes.POINTER(ctypes.c_uint64)


def _build(tmp: Path):
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    lib = tmp / "msc_reference.so"
    src = Path(__file__).with_name("msc_reference.c")
    subprocess.run(
        [gcc, "-O3", "-march=native", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True
    )
    so = ctypes.CDLL(str(lib))
    so.msc_sweeps.argtypes = [
        P64,
        ctypes.c_int,
        ctypes.c_int,
        P64,
        ctypes.c_uint64,
        ctypes.c_uint64,
        ctypes.c_int,
    ]
    so.msc_heatbath_sweeps.argtypes = [P64, ctypes.c_int, ctypes.c_int, P64, P64, ctypes.c_int]
    return so


def _ptr(a: np.ndarray):
    return a.ctypes.data_as(P64)


def _mcising(L: int, T: float, sweeps: int):
    """A callable running ``sweeps`` mcising Metropolis sweeps, or None if not installed."""
    try:
        import mcising
        from mcising._core import IsingSimulation
    except ImportError:
        return None, None
    sim = IsingSimulation(L, 1.0, 0.0, 0.0, 0.0, 1)
    return (lambda: sim.sweep(sweeps, temperature=T)), getattr(mcising, "__version__", "?")


def main() -> None:
    from isingformer.physics.ising.bench import numpy_checkerboard
    from isingformer.physics.ising.heatbath_msc import heatbath_sweeps, heatbath_thresholds
    from isingformer.physics.ising.metropolis_msc import _measure, _sweeps, pack, threshold
    from isingformer.physics.ising.msc_tempering import replica_sweeps
    from isingformer.physics.ising.msc_threads import threaded_sweeps
    from isingformer.physics.ising.rng import seed_streams

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--sweeps", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--threads", type=int, default=2, help="threads of the parallel rows")
    ap.add_argument("--sync-every", type=int, default=10, help="sweeps per synchronisation")
    ap.add_argument(
        "--blocks", type=int, default=2, help="strips (more than --threads: dynamic balance)"
    )
    ap.add_argument("--json", action="store_true", help="also print one JSON line")
    a = ap.parse_args()
    L, S, nt = a.size, a.sweeps, a.threads
    beta = math.log(1 + math.sqrt(2)) / 2
    t4, t8 = threshold(math.exp(-4 * beta)), threshold(math.exp(-8 * beta))
    thr = heatbath_thresholds(beta)
    g = np.random.default_rng(0)
    spins0 = (1 - 2 * g.integers(0, 2, size=(1, L, L))).astype(np.int8)
    P0 = np.ascontiguousarray(pack(spins0)[0])
    nw = P0.shape[2]
    pool = ThreadPoolExecutor(max(1, nt - 1))
    with tempfile.TemporaryDirectory() as tmp:
        so = _build(Path(tmp))
        same = None
        if so is not None:  # the C references must be the Numba kernels' chains, bit for bit
            Pc, Pn, Hc, Hn = P0.copy(), P0.copy(), P0.copy(), P0.copy()
            rc, rn, hc, hn = (seed_streams(1, 1)[0].copy() for _ in range(4))
            so.msc_sweeps(_ptr(Pc), L, nw, _ptr(rc), t4, t8, 2)
            _sweeps(Pn, rn, t4, t8, 2)
            so.msc_heatbath_sweeps(_ptr(Hc), L, nw, _ptr(hc), _ptr(thr), 2)
            heatbath_sweeps(Hn, hn, thr, 2)
            same = bool(
                np.array_equal(Pc, Pn)
                and np.array_equal(rc, rn)
                and np.array_equal(Hc, Hn)
                and np.array_equal(hc, hn)
            )
            print(f"C references and Numba kernels bit-identical after 2 sweeps: {same}")
        st = {k: P0.copy() for k in ("c", "n", "m1", "m2", "hc", "hn", "h1", "h2")}
        rng = {k: seed_streams(10 + i, 1)[0].copy() for i, k in enumerate(("c", "n", "hc", "hn"))}
        strips = {
            k: seed_streams(20 + i, 2 * a.blocks) for i, k in enumerate(("m1", "m2", "h1", "h2"))
        }

        def strip_run(key, rule, threads):
            return lambda: threaded_sweeps(
                st[key], strips[key], rule, beta, S, threads, a.sync_every, pool
            )

        # parallel tempering: 4 replicas at 4 temperatures around T_c, whole replicas
        # per thread, S / 4 sweeps each per call, then the energies for an exchange
        R = 4
        pt_betas = beta * np.linspace(0.98, 1.02, R)
        pt_t4 = np.array([threshold(math.exp(-4 * b)) for b in pt_betas], dtype=np.uint64)
        pt_t8 = np.array([threshold(math.exp(-8 * b)) for b in pt_betas], dtype=np.uint64)
        pt = {k: np.ascontiguousarray(np.stack([P0] * R)) for k in ("pt1", "pt2")}
        pt_rng = {k: seed_streams(30 + i, R) for i, k in enumerate(pt)}
        ones, zeros = np.ones(L), np.zeros(L)

        def pt_run(key, threads):
            def run():
                args = (pt[key], pt_rng[key], pt_t4, pt_t8)
                jobs = [
                    pool.submit(replica_sweeps, *args, t, threads, max(1, S // R))
                    for t in range(1, threads)
                ]
                replica_sweeps(*args, 0, threads, max(1, S // R))
                for job in jobs:
                    job.result()
                for r in range(R):
                    _measure(pt[key][r], ones, zeros)

            return run

        fns = {
            "numba 1 thread": lambda: _sweeps(st["n"], rng["n"], t4, t8, S),
            "numba strips 1 thread": strip_run("m1", "metropolis", 1),
            f"numba strips {nt} threads": strip_run("m2", "metropolis", nt),
            "heat-bath numba 1 thread": lambda: heatbath_sweeps(st["hn"], rng["hn"], thr, S),
            "heat-bath numba strips 1 thread": strip_run("h1", "heatbath", 1),
            f"heat-bath numba strips {nt} threads": strip_run("h2", "heatbath", nt),
            "tempering numba replicas 1 thread": pt_run("pt1", 1),
            f"tempering numba replicas {nt} threads": pt_run("pt2", nt),
        }
        if so is not None:
            fns["C 1 thread"] = lambda: so.msc_sweeps(
                _ptr(st["c"]), L, nw, _ptr(rng["c"]), t4, t8, S
            )
            fns["heat-bath C 1 thread"] = lambda: so.msc_heatbath_sweeps(
                _ptr(st["hc"]), L, nw, _ptr(rng["hc"]), _ptr(thr), S
            )
        for f in fns.values():  # compile and warm up
            f()
        times = {k: [] for k in fns}
        load0 = os.getloadavg()[0]
        t_start = time.perf_counter()
        for _ in range(a.repeat):
            for k, f in fns.items():
                t0 = time.perf_counter()
                f()
                times[k].append(time.perf_counter() - t0)
        rate = {k: L * L * S / statistics.median(v) / 1e9 for k, v in times.items()}
        for k in rate:
            if k.startswith("tempering"):
                rate[k] *= R * max(1, S // R) / S
        # the slow baselines: fewer sweeps, 3 interleaved repetitions
        base_sweeps = 2
        lattice = spins0[0].copy()
        slow = {"NumPy checkerboard": lambda: numpy_checkerboard(lattice, beta, base_sweeps)}
        mc, mc_version = _mcising(L, 1 / beta, base_sweeps)
        if mc is not None:
            slow[f"mcising {mc_version}"] = mc
        slow_times = {k: [] for k in slow}
        for f in slow.values():
            f()
        for _ in range(3):
            for k, f in slow.items():
                t0 = time.perf_counter()
                f()
                slow_times[k].append(time.perf_counter() - t0)
        for k, v in slow_times.items():
            rate[k] = L * L * base_sweeps / statistics.median(v) / 1e9
        load1 = os.getloadavg()[0]
    pool.shutdown()
    print(
        f"Multi-spin L={L} T_c, {S} sweeps, median of {a.repeat} interleaved repeats "
        f"({time.perf_counter() - t_start:.0f} s), load average {load0:.1f} -> {load1:.1f} "
        f"on {os.cpu_count()} cores; strips: {a.blocks}, synchronised every {a.sync_every} sweeps"
    )
    for k, r in rate.items():
        print(f"  {k:36s}: {r:.3f} flips/ns")
    out = {"L": L, "sweeps": S, "threads": nt, "load": [load0, load1], "bit_identical": same}
    out["flips_per_ns"] = rate
    for pre, name in (("", "Metropolis"), ("heat-bath ", "heat-bath"), ("tempering ", "PT")):
        kind = "replicas" if pre == "tempering " else "strips"
        two = rate[f"{pre}numba {kind} {nt} threads"]
        cref = "heat-bath C 1 thread" if pre == "heat-bath " else "C 1 thread"
        if cref in rate:
            c = rate[cref]
            one = rate[f"{pre}numba 1 thread" if pre != "tempering " else "numba 1 thread"] / c
            if pre != "tempering ":
                print(f"{name}: numba 1 thread / C 1 thread = {one:.2f}x")
            ok = "ok" if two / c >= 1.5 else "MISSES"
            print(
                f"{name}: numba {nt} threads / C 1 thread = {two / c:.2f}x (target >= 1.5x: {ok})"
            )
            out[f"{pre}ratio_1_thread"], out[f"{pre}ratio_{nt}_threads"] = one, two / c
        eff = two / (nt * rate[f"{pre}numba {kind} 1 thread"])
        print(
            f"{name}: parallel efficiency on {nt} threads = {eff:.2f}x "
            f"({nt}-thread speed / ({nt} x the {kind} on one thread))"
        )
        out[f"{pre}efficiency"] = eff
    two = rate[f"numba strips {nt} threads"]
    for k in slow:
        print(f"Metropolis: numba {nt} threads / {k} (1 thread) = {two / rate[k]:.1f}x")
    if mc is None:
        print("mcising not installed (pip install mcising): no mcising row")
    if a.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
