"""Prime sieve and exact Lee–Yang polynomials (issue 14 speed targets).

Run: ``python benchmarks/bench_numbers.py [--limit X] [--repeats R]`` (default
X = 10^9, R = 5; a bare number is read as ``--limit``). In one process, at 1
and at 2 threads (ours: chunks of the byte range on threads via
:func:`isingformer.threads.set_threads`; primesieve: ``set_num_threads``):

- our Numba segmented wheel sieve counting π(X), and streaming every gap into
  the ln p histogram of ``isingformer numbers gaps``, against
  ``primesieve.count_primes`` (C++, counting only) — the issue's target is
  "within 2x". The runs are interleaved (order rotated each repeat) and the
  ratio is the median of the per-repeat ratios, so that load from other
  processes hits both sides alike;
- the same gap histogram filled in C from primesieve's iterator
  (``primesieve_next_prime``, one range per thread; built with gcc against
  libprimesieve) — what using primesieve for the gaps costs — checked equal to
  ours, timed interleaved the same way;
- the exact 6x6 torus polynomial (transfer matrix) and its certified roots;
  target: seconds.

``primesieve`` is optional (``apt-get install libprimesieve-dev`` then ``pip
install primesieve``); without it the script says so and prints our times only.
"""

from __future__ import annotations

import argparse
import ctypes
import math
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from isingformer.numbers import lee_yang_polynomial, torus_table
from isingformer.numbers.sieve import LN_BIN, MAX_HALF_GAP, count_primes, gap_histogram
from isingformer.numbers.sieve_kernel import bin_edges
from isingformer.threads import set_threads

TARGET = 2.0


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def timed_cpu(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process — all its threads —, result)."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def ratio_text(ours: list[tuple[float, float]], ref: list[tuple[float, float]]) -> str:
    """Median of per-repeat wall ratios ("1.23x") and of CPU-time ratios."""
    wall = statistics.median(a[0] / b[0] for a, b in zip(ours, ref, strict=True))
    cpu = statistics.median(a[1] / b[1] for a, b in zip(ours, ref, strict=True))
    return f"{wall:.2f}x wall (CPU-time ratio {cpu:.2f})", wall


C_GAPS = r"""
#include <stdint.h>
#include <primesieve.h>
/* Gap histogram of the primes in [start, stop] by primesieve's iterator: the
   gap q - p goes to hist[b * width + min((q - p) / 2, max_half)], b the ln p bin
   (b = #{j >= 1 : edges[j] <= p}). Returns the number of primes; first/last. */
int64_t gaps_chunk(uint64_t start, uint64_t stop, int64_t *hist, int64_t width,
                   const int64_t *edges, int64_t max_half, uint64_t *first, uint64_t *last) {
    primesieve_iterator it;
    primesieve_init(&it);
    primesieve_jump_to(&it, start, stop);
    uint64_t prev = primesieve_next_prime(&it), q;
    int64_t n = 0, b = 0;
    *first = *last = 0;
    if (prev <= stop) {
        *first = prev;
        n = 1;
        while (prev >= (uint64_t)edges[b + 1]) b++;
        uint64_t next_edge = (uint64_t)edges[b + 1];
        int64_t *row = hist + b * width;
        while ((q = primesieve_next_prime(&it)) <= stop) {
            if (prev >= next_edge) {
                while (prev >= (uint64_t)edges[b + 1]) b++;
                next_edge = (uint64_t)edges[b + 1];
                row = hist + b * width;
            }
            uint64_t half = (q - prev) >> 1;
            row[half > (uint64_t)max_half ? (uint64_t)max_half : half]++;
            prev = q;
            n++;
        }
        *last = prev;
    }
    primesieve_free_iterator(&it);
    return n;
}
"""


def build_c_gaps(tmp: Path):
    """The C gap histogram linked to libprimesieve, or None (no gcc or no library)."""
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    src, lib = tmp / "primesieve_gaps.c", tmp / "primesieve_gaps.so"
    src.write_text(C_GAPS)
    cmd = [gcc, "-O3", "-march=native", "-shared", "-fPIC", "-o", str(lib), str(src)]
    if subprocess.run([*cmd, "-lprimesieve"], capture_output=True).returncode != 0:
        return None
    fn = ctypes.CDLL(str(lib)).gaps_chunk
    fn.restype = ctypes.c_int64
    u64, ptr = ctypes.c_uint64, ctypes.c_void_p
    fn.argtypes = [u64, u64, ptr, ctypes.c_int64, ptr, ctypes.c_int64, ptr, ptr]
    return fn


def c_gap_histogram(fn, limit: int, threads: int) -> tuple[np.ndarray, int]:
    """(gap histogram, π(limit)) from primesieve's iterator in C, one range per
    thread (ctypes releases the GIL), joined like ours."""
    n_bins = int(math.log(limit) / LN_BIN) + 2
    edges = bin_edges(n_bins, LN_BIN)
    width = MAX_HALF_GAP + 1
    cuts = [3 + (limit - 3) * t // threads for t in range(threads + 1)]
    spans = [(cuts[t] + (t > 0), cuts[t + 1]) for t in range(threads)]

    def run(span):
        hist = np.zeros((n_bins, width), dtype=np.int64)
        ends = np.zeros(2, dtype=np.uint64)
        n = fn(
            *span,
            hist.ctypes.data,
            width,
            edges.ctypes.data,
            MAX_HALF_GAP,
            ends.ctypes.data,
            ends.ctypes.data + 8,
        )
        return hist, n, int(ends[0]), int(ends[1])

    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(run, spans))
    total, n, prev = np.zeros((n_bins, width), dtype=np.int64), 1, 0
    for hist, count, first, last in parts:
        total += hist
        n += count
        if count and prev:
            b = int(np.searchsorted(edges[1:], prev, side="right"))
            total[b, min((first - prev) // 2, MAX_HALF_GAP)] += 1
        prev = last if count else prev
    return total, n


def sieve_rows(primesieve, limit: int, threads: int, repeats: int) -> None:
    set_threads(threads)
    runs = {
        "count": lambda: count_primes(limit),
        "gaps": lambda: gap_histogram(limit).n_primes,
    }
    if primesieve is not None:
        primesieve.set_num_threads(threads)
        runs["primesieve"] = lambda: primesieve.count_primes(limit)
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
    names, pi = list(runs), None
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            wall, cpu, out = timed_cpu(runs[name])
            times[name].append((wall, cpu))
            pi = out if pi is None else pi
            if out != pi:
                raise AssertionError(f"{name}: π({limit}) = {out}, expected {pi}")
    med = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    head = f"sieve to {limit:.0e}, {threads} thread(s), median of {repeats} interleaved repeats"
    print(f"{head}: ours counting {med['count']:.3f} s, ours with gaps {med['gaps']:.3f} s")
    if primesieve is None:
        print("  primesieve not installed (optional): no ratio against it")
        return
    for name, label in (("count", "counting"), ("gaps", "gap histogram")):
        text, wall = ratio_text(times[name], times["primesieve"])
        verdict = "" if wall <= TARGET else " MISSES"
        print(
            f"  {label} ours / primesieve counting ({threads} thread): {text}; "
            f"primesieve {med['primesieve']:.3f} s; target <= {TARGET:g}x{verdict}"
        )


def c_gap_rows(fn, limit: int, threads: int, repeats: int) -> None:
    """Ours against the same histogram filled from primesieve's iterator in C."""
    set_threads(threads)
    want = gap_histogram(limit)
    got, n = c_gap_histogram(fn, limit, threads)
    assert n == want.n_primes and np.array_equal(got, want.counts), "C gaps differ from ours"
    ours, ref = [], []
    for r in range(repeats):
        pair = [
            (ours, lambda: gap_histogram(limit)),
            (ref, lambda: c_gap_histogram(fn, limit, threads)),
        ]
        for sink, f in pair if r % 2 == 0 else pair[::-1]:
            sink.append(timed_cpu(f)[:2])
    text, wall = ratio_text(ours, ref)
    verdict = "" if wall <= TARGET else " MISSES"
    print(
        f"  gap histogram ours / primesieve iterator + histogram in C ({threads} thread), "
        f"equal output: {text}; target <= {TARGET:g}x{verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pos_limit", nargs="?", type=float, help="same as --limit")
    parser.add_argument("--limit", type=float, default=None, help="sieve up to X (1e9)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repeats (5)")
    args = parser.parse_args()
    limit = int(args.limit or args.pos_limit or 1e9)
    try:
        import primesieve
    except ImportError:
        primesieve = None
        print("primesieve: not installed (optional); our times only, no ratio")
    gap_histogram(10**6, threads=1)  # compile
    count_primes(10**6, threads=1)
    with tempfile.TemporaryDirectory() as tmp:
        fn = build_c_gaps(Path(tmp)) if primesieve is not None else None
        if primesieve is not None and fn is None:
            print("C baseline: gcc or libprimesieve-dev missing; no iterator row")
        for threads in (1, 2):
            sieve_rows(primesieve, limit, threads, args.repeats)
            if fn is not None:
                c_gap_rows(fn, limit, threads, args.repeats)
    set_threads(1)
    from isingformer.numbers.polynomial import _torus_table

    _torus_table.cache_clear()
    t_poly, g = timed(lambda: torus_table(6))
    t_roots, roots = timed(lambda: lee_yang_polynomial(g, math.sqrt(2) - 1).complex_roots())
    print(
        f"6x6 torus: exact polynomial {t_poly:.2f} s, {len(roots)} certified roots {t_roots:.2f} s"
    )


if __name__ == "__main__":
    main()
