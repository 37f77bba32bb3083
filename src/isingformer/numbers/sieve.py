"""A segmented sieve of Eratosthenes (Numba) that streams prime gaps into a
histogram binned by ln p, so that primes up to 10^9 and beyond never sit in memory.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from isingformer.errors import InputError

__all__ = ["SIEVE_MAX_LIMIT", "GapHistogram", "gap_histogram", "primes_up_to"]

#: Ceiling of ``--limit``.
SIEVE_MAX_LIMIT = 10**10
#: Gaps are stored as g/2 up to this value (the largest gap below 10^10 is 354).
MAX_HALF_GAP = 400
#: Width of the ln p bins.
LN_BIN = 0.05


@njit(cache=True)
def _small_primes(r):
    flags = np.ones(r + 1, dtype=np.uint8)
    flags[0] = 0
    flags[1] = 0
    i = 2
    while i * i <= r:
        if flags[i]:
            for m in range(i * i, r + 1, i):
                flags[m] = 0
        i += 1
    return np.nonzero(flags)[0]


#: Odd-index period of the presieve pattern (3 · 5 · 7 · 11 · 13).
_PRESIEVE = 15015
_PRESIEVE_PRIMES = 5


@njit(cache=True)
def _presieve_pattern(base, length):
    pat = np.ones(length, dtype=np.uint8)
    for j in range(_PRESIEVE_PRIMES):
        p = base[j]
        for i in range((p - 1) // 2, length, p):  # odd 2i + 1 ≡ 0 (mod p)
            pat[i] = 0
    return pat


@njit(cache=True)
def _sieve_gaps(limit, seg_len, ln_bin, max_half):
    n_bins = int(math.log(max(limit, 3)) / ln_bin) + 2
    hist = np.zeros((n_bins, max_half + 1), dtype=np.int64)
    r = int(math.sqrt(limit)) + 2
    base = _small_primes(r)[1:]  # odd base primes, 3 first
    pat = _presieve_pattern(base, _PRESIEVE + seg_len)
    nxt = np.empty(base.size, dtype=np.int64)
    for j in range(base.size):
        nxt[j] = base[j] * base[j]
    seg = np.empty(seg_len, dtype=np.uint8)
    count = 1  # the prime 2
    clamped = 0
    prev = 0
    b = 0
    # lower primes p >= next_edge belong to a later bin (integer compare in the loop)
    next_edge = int(math.ceil(math.exp(ln_bin)))  # noqa: RUF046 - numba typing
    lo = 3
    while lo <= limit:
        hi = min(lo + 2 * (seg_len - 1), limit)
        if (hi - lo) % 2:
            hi -= 1
        n = (hi - lo) // 2 + 1
        off = ((lo - 1) // 2) % _PRESIEVE
        seg[:n] = pat[off : off + n]
        if lo == 3:  # the presieve primes themselves
            for j in range(_PRESIEVE_PRIMES):
                if base[j] <= hi:
                    seg[(base[j] - lo) // 2] = 1
        for j in range(_PRESIEVE_PRIMES, base.size):
            p = base[j]
            if p * p > hi:
                break
            i = (nxt[j] - lo) >> 1
            while i < n:
                seg[i] = 0
                i += p
            nxt[j] = lo + 2 * i
        for i in range(n):
            if seg[i]:
                q = lo + 2 * i
                if prev > 2:
                    while prev >= next_edge:
                        b += 1
                        next_edge = int(math.ceil(math.exp((b + 1) * ln_bin)))  # noqa: RUF046
                    half = (q - prev) // 2
                    if half > max_half:
                        half = max_half
                        clamped += 1
                    hist[b, half] += 1
                prev = q
                count += 1
        lo = hi + 2
    return hist, count, clamped


class GapHistogram:
    """Counts of prime gaps g = p' − p between consecutive odd primes p < p' ≤ limit.

    ``counts[b, j]``: gaps g = 2j whose lower prime has ln p in
    [b·LN_BIN, (b+1)·LN_BIN); ``n_primes`` = π(limit) (exact).
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


def gap_histogram(limit: int, *, segment: int = 1 << 17) -> GapHistogram:
    """Sieve the primes up to ``limit`` and histogram their gaps (see :class:`GapHistogram`)."""
    if isinstance(limit, bool) or not isinstance(limit, int | np.integer):
        raise InputError(f"--limit must be an integer, got {limit!r}")
    if limit < 100 or limit > SIEVE_MAX_LIMIT:
        raise InputError(f"--limit must be in [100, {SIEVE_MAX_LIMIT:.0e}], got {limit}")
    counts, n, clamped = _sieve_gaps(int(limit), int(segment), LN_BIN, MAX_HALF_GAP)
    return GapHistogram(int(limit), counts, int(n), int(clamped))


def primes_up_to(limit: int) -> np.ndarray:
    """All primes ≤ ``limit`` (≤ 10^8) as int64, by a plain sieve (for checks)."""
    if limit < 0 or limit > 10**8:
        raise InputError(f"limit must be in [0, 1e8], got {limit}")
    if limit < 2:
        return np.zeros(0, dtype=np.int64)
    return _small_primes(int(limit)).astype(np.int64)
