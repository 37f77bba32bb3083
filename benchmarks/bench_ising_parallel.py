"""Multi-spin Metropolis on 2 threads against a single-threaded C reference.

    python benchmarks/bench_ising_parallel.py [--size 1024 --sweeps 20 --repeat 5]

Builds ``benchmarks/msc_reference.c`` (the same multi-spin layout and exact
acceptance, one thread) with ``gcc -O3 -march=native`` into a temporary
directory, checks that C and the one-thread Numba kernel give the same
lattice bit for bit, then times at L = 1024, T_c, the median of ``--repeat``
interleaved repetitions of each: C (1 thread), Numba one thread, Numba with
2 row blocks on 1 and on 2 threads. Prints flips/ns, the single-thread ratio
Numba / C, the 2-thread ratio / C (target >= 1.5x, issue 19) and the parallel
efficiency (2-thread speed / (2 x one-block speed)). On a shared, loaded
machine the 2-thread figure depends on the load (and on Numba's threading
layer: OpenMP threads spin-wait, ``NUMBA_THREADING_LAYER=workqueue`` suffers
less from oversubscription): the load average and the layer are printed.
"""

from __future__ import annotations

import argparse
import ctypes
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np


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
    p64 = ctypes.POINTER(ctypes.c_uint64)
    so.msc_sweeps.argtypes = [
        p64,
        ctypes.c_int,
        ctypes.c_int,
        p64,
        ctypes.c_uint64,
        ctypes.c_uint64,
        ctypes.c_int,
    ]
    return so


def main() -> None:
    import numba

    from isingformer.physics.ising.metropolis_msc import _sweeps, pack, threshold
    from isingformer.physics.ising.metropolis_parallel import sweeps_parallel
    from isingformer.physics.ising.rng import seed_streams

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--sweeps", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    L = a.size
    beta = math.log(1 + math.sqrt(2)) / 2
    t4, t8 = threshold(math.exp(-4 * beta)), threshold(math.exp(-8 * beta))
    g = np.random.default_rng(0)
    P0 = np.ascontiguousarray(pack((1 - 2 * g.integers(0, 2, size=(1, L, L))).astype(np.int8))[0])
    p64 = ctypes.POINTER(ctypes.c_uint64)
    with tempfile.TemporaryDirectory() as tmp:
        so = _build(Path(tmp))
        # the C reference must be the same chain as the Numba kernel, bit for bit
        if so is not None:
            Pc, Pn = P0.copy(), P0.copy()
            rc, rn = seed_streams(1, 1)[0].copy(), seed_streams(1, 1)[0].copy()
            so.msc_sweeps(Pc.ctypes.data_as(p64), L, Pc.shape[2], rc.ctypes.data_as(p64), t4, t8, 2)
            _sweeps(Pn, rn, t4, t8, 2)
            same = bool(np.array_equal(Pc, Pn) and np.array_equal(rc, rn))
            print(f"C reference and Numba kernel bit-identical after 2 sweeps: {same}")
        n_thr = min(2, numba.config.NUMBA_NUM_THREADS)
        state = {k: P0.copy() for k in ("c", "n1", "b1", "b2")}
        rng1 = seed_streams(2, 1)[0].copy()
        rngc = seed_streams(3, 1)[0].copy()
        streams1, streams2 = seed_streams(4, 2), seed_streams(5, 2)

        def run_c():
            P = state["c"]
            so.msc_sweeps(
                P.ctypes.data_as(p64), L, P.shape[2], rngc.ctypes.data_as(p64), t4, t8, a.sweeps
            )

        def run_n1():
            _sweeps(state["n1"], rng1, t4, t8, a.sweeps)

        def run_b1():
            numba.set_num_threads(1)
            sweeps_parallel(state["b1"], streams1, t4, t8, a.sweeps)

        def run_b2():
            numba.set_num_threads(n_thr)
            sweeps_parallel(state["b2"], streams2, t4, t8, a.sweeps)

        fns = {
            "numba 1 thread": run_n1,
            "numba 2 blocks, 1 thread": run_b1,
            f"numba 2 blocks, {n_thr} threads": run_b2,
        }
        if so is not None:
            fns = {"C 1 thread": run_c, **fns}
        for f in fns.values():  # compile and warm up
            f()
        times = {k: [] for k in fns}
        load0 = os.getloadavg()[0]
        for _ in range(a.repeat):
            for k, f in fns.items():
                t0 = time.perf_counter()
                f()
                times[k].append(time.perf_counter() - t0)
    rate = {k: L * L * a.sweeps / statistics.median(v) / 1e9 for k, v in times.items()}
    print(
        f"Metropolis L={L} T_c, {a.sweeps} sweeps, median of {a.repeat}, load average {load0:.1f} "
        f"on {os.cpu_count()} cores, numba threading layer {numba.threading_layer()}"
    )
    for k, r in rate.items():
        print(f"  {k:28s}: {r:.3f} flips/ns")
    two = rate[f"numba 2 blocks, {n_thr} threads"]
    if "C 1 thread" in rate:
        c = rate["C 1 thread"]
        print(f"numba 1 thread / C 1 thread = {rate['numba 1 thread'] / c:.2f}x")
        ok = "ok" if two / c >= 1.5 else "MISSES"
        print(f"numba {n_thr} threads / C 1 thread = {two / c:.2f}x (target >= 1.5x: {ok})")
    else:
        print("gcc not found: no C reference")
    eff = two / (n_thr * rate["numba 2 blocks, 1 thread"])
    print(
        f"parallel efficiency on {n_thr} threads = {eff:.2f}x (2-thread speed / ({n_thr} x one-thread speed))"
    )


if __name__ == "__main__":
    main()
