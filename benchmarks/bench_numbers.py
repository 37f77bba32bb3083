"""Prime sieve and exact Lee–Yang polynomials (issue 14 speed targets).

Run: ``python benchmarks/bench_numbers.py [LIMIT]`` (default 10^9). Prints, in
one process and on one thread:

- the Numba segmented mod-30 wheel sieve of ``isingformer.numbers``, counting
  only and streaming every gap into the ln p histogram, against
  ``primesieve.count_primes`` (C++, counting only)
  when the optional ``primesieve`` package is importable (it needs the system
  library, e.g. ``apt-get install libprimesieve-dev`` then ``pip install
  primesieve``); target: within 2x;
- the exact 6x6 torus polynomial (transfer matrix) and its certified roots;
  target: seconds.
"""

from __future__ import annotations

import math
import sys
import time

from isingformer.numbers import lee_yang_polynomial, torus_table
from isingformer.numbers.sieve import count_primes, gap_histogram
from isingformer.threads import set_threads


def best_of(fn, repeats: int = 3) -> tuple[float, object]:
    best, out = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    set_threads(1)
    limit = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**9
    gap_histogram(10**6)  # compile
    count_primes(10**6)
    ours, hist = best_of(lambda: gap_histogram(limit))
    count_s, _ = best_of(lambda: count_primes(limit))
    print(f"numba wheel sieve, counting only, to {limit:.0e}: {count_s:.2f} s")
    print(f"numba wheel sieve + gap histogram to {limit:.0e}: {ours:.2f} s, π = {hist.n_primes}")
    try:
        import primesieve
    except ImportError:
        print("primesieve: not installed (optional); no ratio")
    else:
        primesieve.set_num_threads(1)
        ref, count = best_of(lambda: primesieve.count_primes(limit))
        assert count == hist.n_primes
        print(
            f"primesieve.count_primes (1 thread): {ref:.2f} s; ratio ours/primesieve: "
            f"counting {count_s / ref:.2f}, with gaps {ours / ref:.2f}"
        )
    from isingformer.numbers.polynomial import _torus_table

    _torus_table.cache_clear()
    t0 = time.perf_counter()
    g = torus_table(6)
    t_poly = time.perf_counter() - t0
    t0 = time.perf_counter()
    roots = lee_yang_polynomial(g, math.sqrt(2) - 1).complex_roots()
    t_roots = time.perf_counter() - t0
    print(
        f"6x6 torus: exact polynomial {t_poly:.2f} s, {len(roots)} certified roots {t_roots:.2f} s"
    )


if __name__ == "__main__":
    main()
