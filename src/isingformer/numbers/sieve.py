"""A segmented sieve of Eratosthenes (Numba) that streams prime gaps into a
histogram binned by ln p, so that primes up to 10^9 and beyond never sit in memory.

The sieve is a mod-30 wheel (one byte per 30 integers, bit i of byte k is
30k + WHEEL[i]) with pre-sieved primes ≤ 163 and 128 KiB segments; the kernel
is :mod:`isingformer.numbers.sieve_kernel`. The byte range is split into one
chunk per thread (the kernel releases the GIL); the gap across each chunk
edge is added here. The thread count is the one set by
:func:`isingformer.threads.set_threads` (``--threads``), else its default.
"""

from __future__ import annotations

import itertools
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from isingformer.errors import InputError
from isingformer.numbers.sieve_kernel import (
    PRESIEVE_MAX,
    WHEEL,
    bin_edges,
    presieve_patterns,
    sieve_chunk,
    small_primes,
)
from isingformer.validate import check_int

__all__ = [
    "SIEVE_MAX_LIMIT",
    "WHEEL",
    "GapHistogram",
    "check_sieve_limit",
    "count_primes",
    "gap_histogram",
    "primes_up_to",
    "sieve_cost",
]

#: Ceiling of ``--limit``.
SIEVE_MAX_LIMIT = 10**10
#: Gaps are stored as g/2; g/2 ≥ this value shares the last column (the largest gap below 10^10 is 354).
MAX_HALF_GAP = 400
#: Width of the ln p bins.
LN_BIN = 0.05
#: Segment size in bytes (30 integers per byte); fits the per-core L2 cache.
SEGMENT_BYTES = 1 << 17


class GapHistogram:
    """Counts of prime gaps g = p' − p between consecutive odd primes p < p' ≤ limit.

    ``counts[b, j]``: gaps g = 2j whose lower prime has ln p in
    [b·LN_BIN, (b+1)·LN_BIN); the last column j = MAX_HALF_GAP collects every
    gap ≥ 2·MAX_HALF_GAP and ``clamped`` is its total (0 below 10^10, where the
    largest gap is 354). ``n_primes`` = π(limit) (exact).
    """

    def __init__(self, limit: int, counts: np.ndarray, n_primes: int, clamped: int) -> None:
        self.limit = limit
        self.counts = counts
        self.n_primes = n_primes
        self.clamped = clamped
        self.ln_bin = LN_BIN

    def ln_centres(self) -> np.ndarray:
        """ln p at the centre of each bin, shape ``[n_bins]``."""
        return (np.arange(self.counts.shape[0]) + 0.5) * self.ln_bin

    def window(self, lo: float, hi: float) -> np.ndarray:
        """Boolean mask of the ln p bins lying in [ln lo, ln hi)."""
        edges = np.arange(self.counts.shape[0]) * self.ln_bin
        return (edges >= math.log(lo) - 1e-12) & (edges < math.log(hi) - 1e-12)


def _check_limit(limit) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int | np.integer):
        raise InputError(f"--limit must be an integer, got {limit!r}")
    if limit < 100 or limit > SIEVE_MAX_LIMIT:
        raise InputError(f"--limit must be in [100, {SIEVE_MAX_LIMIT:.0e}], got {limit}")


def sieve_cost(limit: int, threads: int = 1) -> tuple[float, float]:
    """(work, memory) of sieving to ``limit``: elementary sieve operations —
    crossings-off (8/30)·X·(ln ln √X − ln ln 163) by Mertens' theorem, the
    pattern passes and one step per prime — and peak bytes (per thread: the
    gap histogram, the segment, the flattening buffer and the cycle tables of
    the π(√X) sieving primes; the shared pre-sieve patterns)."""
    x = float(max(limit, 100))
    root = math.sqrt(x)
    crossings = 8 / 30 * x * max(0.0, math.log(math.log(root)) - math.log(math.log(PRESIEVE_MAX)))
    work = crossings + 14 * x / 30 + x / math.log(x)
    n_bins = int(math.log(x) / LN_BIN) + 2
    n_sieving = 1.3 * root / math.log(root)  # > π(√X)
    per_thread = 8 * n_bins * (MAX_HALF_GAP + 1) + 3 * SEGMENT_BYTES + 80 * n_sieving
    memory = threads * per_thread + 2.5 * 2**20 + 16 * SEGMENT_BYTES + 8 * n_sieving
    return work, memory


def check_sieve_limit(limit: int, threads: int = 1) -> None:
    """Refuse ``--limit`` outside [100, SIEVE_MAX_LIMIT] or over the work and
    memory ceilings of :mod:`isingformer.validate` (one line: estimate and limit)."""
    from isingformer.validate import check_memory, check_work

    _check_limit(limit)
    work, memory = sieve_cost(int(limit), threads)
    check_memory(memory, f"--limit {limit:.3g} ({threads} thread(s))")
    check_work(work, None, f"--limit {limit:.3g}", "sieve operations")


def _threads(threads: int | None) -> int:
    from isingformer.threads import current_threads, default_threads

    n = threads if threads is not None else (current_threads() or default_threads())
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"threads must be a positive integer, got {n!r}")
    return n


def _sieve(limit: int, threads: int, segment: int, count: bool):
    """Run the kernel on one chunk of the byte range per thread."""
    if segment < 8 or segment % 8:
        raise InputError(f"segment must be a positive multiple of 8 bytes, got {segment}")
    primes = small_primes(math.isqrt(limit))
    primes = primes[primes > PRESIEVE_MAX]
    pats, starts, periods, pre = presieve_patterns(segment)
    n_bins = int(math.log(max(limit, 3)) / LN_BIN) + 2
    edges = bin_edges(n_bins, LN_BIN)
    total = limit // 30 + 1
    n_seg = -(-total // segment)
    cuts = sorted({min(total, (n_seg * t // threads) * segment) for t in range(threads + 1)})

    def run(lo: int, hi: int):
        args = (pats, starts, periods, pre, edges, MAX_HALF_GAP, count)
        return sieve_chunk(lo, hi, limit, primes, segment, *args)

    spans = list(itertools.pairwise(cuts))
    if len(spans) == 1:
        parts = [run(*spans[0])]
    else:
        with ThreadPoolExecutor(len(spans)) as pool:
            parts = list(pool.map(lambda s: run(*s), spans))
    return parts, edges, n_bins


def gap_histogram(
    limit: int, *, threads: int | None = None, segment: int = SEGMENT_BYTES
) -> GapHistogram:
    """Sieve the primes up to ``limit`` and histogram their gaps (see :class:`GapHistogram`).

    ``threads``: chunks sieved in parallel (default: the count set by
    :func:`isingformer.threads.set_threads`); ``segment``: bytes per segment."""
    n_threads = _threads(threads)
    check_sieve_limit(limit, n_threads)
    limit = int(limit)
    parts, edges, n_bins = _sieve(limit, n_threads, int(segment), count=False)
    counts = np.zeros((n_bins, MAX_HALF_GAP + 1), dtype=np.int64)
    n = 3  # 2, 3, 5 (limit >= 100)

    def add(p: int, q: int) -> None:  # the gap q − p of the lower prime p
        b = int(np.searchsorted(edges[1:], p, side="right"))
        counts[b, min((q - p) // 2, MAX_HALF_GAP)] += 1

    add(3, 5)
    prev = 5
    for hist, n_part, first, last in parts:
        counts += hist
        n += int(n_part)
        if first >= 0:
            add(prev, int(first))
            prev = int(last)
    clamped = int(counts[:, MAX_HALF_GAP].sum())
    return GapHistogram(limit, counts, n, clamped)


def count_primes(limit: int, *, threads: int | None = None, segment: int = SEGMENT_BYTES) -> int:
    """π(limit) by the same wheel sieve, counting only (popcount)."""
    n_threads = _threads(threads)
    check_sieve_limit(limit, n_threads)
    parts, _, _ = _sieve(int(limit), n_threads, int(segment), count=True)
    return 3 + sum(int(part[1]) for part in parts)


def primes_up_to(limit: int) -> np.ndarray:
    """All primes ≤ ``limit`` (≤ 10^8) as int64, by a plain sieve (for checks)."""
    limit = check_int(limit, "limit")
    if limit < 0 or limit > 10**8:
        raise InputError(f"limit must be in [0, 1e8], got {limit}")
    if limit < 2:
        return np.zeros(0, dtype=np.int64)
    return small_primes(int(limit))
