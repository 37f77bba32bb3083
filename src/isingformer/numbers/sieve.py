"""A segmented sieve of Eratosthenes (Numba) that streams prime gaps into a
histogram binned by ln p, so that primes up to 10^9 and beyond never sit in memory.

The sieve is a mod-30 wheel: one byte per 30 integers (bit i of byte k is
30k + WHEEL[i]); a sieving prime p clears, for each of its 8 residue classes,
one fixed bit every p bytes. Segments are 32 KiB (L1-sized).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from isingformer.errors import InputError

__all__ = [
    "SIEVE_MAX_LIMIT",
    "WHEEL",
    "GapHistogram",
    "count_primes",
    "gap_histogram",
    "primes_up_to",
]

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


#: Residues mod 30 coprime to 30: byte k of the sieve holds 30k + WHEEL[i] in bit i.
WHEEL = np.array([1, 7, 11, 13, 17, 19, 23, 29], dtype=np.int64)


@njit(cache=True)
def _popcounts():
    out = np.zeros(256, dtype=np.int64)
    for v in range(256):
        x, c = v, 0
        while x:
            c += x & 1
            x >>= 1
        out[v] = c
    return out


@njit(cache=True)
def _wheel_sieve(limit, seg_bytes, ln_bin, max_half, wheel, count_only):
    """Segmented mod-30 wheel sieve. Returns (gap histogram, π(limit), clamped);
    with ``count_only`` the histogram stays empty (primes are only counted)."""
    n_bins = int(math.log(max(limit, 3)) / ln_bin) + 2
    hist = np.zeros((n_bins, max_half + 1), dtype=np.int64)
    popc = _popcounts()
    pos = np.full(30, -1, dtype=np.int64)
    for i in range(8):
        pos[wheel[i]] = i
    base = _small_primes(int(math.sqrt(limit)) + 2)[3:]  # sieving primes >= 7
    nb = base.size
    nxt = np.empty((nb, 8), dtype=np.int64)  # next byte index per residue class
    masks = np.empty((nb, 8), dtype=np.uint8)
    for j in range(nb):
        p = base[j]
        for i in range(8):
            m0 = p + ((wheel[i] - p) % 30)  # smallest cofactor >= p in class i
            n0 = p * m0
            nxt[j, i] = n0 // 30
            masks[j, i] = np.uint8(255 - (1 << pos[n0 % 30]))
    total_bytes = limit // 30 + 1
    seg = np.empty(seg_bytes, dtype=np.uint8)
    count = 0
    clamped = 0
    prev = 2
    b = 0
    # lower primes p >= next_edge belong to a later ln p bin
    next_edge = int(math.ceil(math.exp(ln_bin)))  # noqa: RUF046 - numba typing
    small = (2, 3, 5)
    for s in range(3):
        q = small[s]
        if q > limit:
            break
        count += 1
        if prev > 2 and not count_only:
            while prev >= next_edge:
                b += 1
                next_edge = int(math.ceil(math.exp((b + 1) * ln_bin)))  # noqa: RUF046
            hist[b, (q - prev) // 2] += 1
        prev = q
    lo = 0
    while lo < total_bytes:
        hi = min(lo + seg_bytes, total_bytes)
        n = hi - lo
        seg[:n] = 255
        if lo == 0:
            seg[0] &= 254  # 1 is not prime
        for j in range(nb):
            p = base[j]
            if p * p >= 30 * hi:
                break
            for i in range(8):
                k = nxt[j, i] - lo
                if k < n:
                    mask = masks[j, i]
                    while k < n:
                        seg[k] &= mask
                        k += p
                    nxt[j, i] = k + lo
        if hi == total_bytes:  # drop numbers above the limit in the last byte
            last = 30 * (total_bytes - 1)
            for i in range(8):
                if last + wheel[i] > limit:
                    seg[n - 1] &= np.uint8(255 - (1 << i))
        if count_only:
            for k in range(n):
                count += popc[seg[k]]
            lo = hi
            continue
        for k in range(n):
            v = seg[k]
            if v == 0:
                continue
            base_n = 30 * (lo + k)
            for i in range(8):
                if v & (1 << i):
                    q = base_n + wheel[i]
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
        lo = hi
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


def _check_limit(limit) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int | np.integer):
        raise InputError(f"--limit must be an integer, got {limit!r}")
    if limit < 100 or limit > SIEVE_MAX_LIMIT:
        raise InputError(f"--limit must be in [100, {SIEVE_MAX_LIMIT:.0e}], got {limit}")


def gap_histogram(limit: int, *, segment: int = 1 << 15) -> GapHistogram:
    """Sieve the primes up to ``limit`` and histogram their gaps (see :class:`GapHistogram`)."""
    _check_limit(limit)
    counts, n, clamped = _wheel_sieve(int(limit), int(segment), LN_BIN, MAX_HALF_GAP, WHEEL, False)
    return GapHistogram(int(limit), counts, int(n), int(clamped))


def count_primes(limit: int, *, segment: int = 1 << 15) -> int:
    """π(limit) by the same wheel sieve, counting only (for benchmarks and checks)."""
    _check_limit(limit)
    return int(_wheel_sieve(int(limit), int(segment), LN_BIN, MAX_HALF_GAP, WHEEL, True)[1])


def primes_up_to(limit: int) -> np.ndarray:
    """All primes ≤ ``limit`` (≤ 10^8) as int64, by a plain sieve (for checks)."""
    if limit < 0 or limit > 10**8:
        raise InputError(f"limit must be in [0, 1e8], got {limit}")
    if limit < 2:
        return np.zeros(0, dtype=np.int64)
    return _small_primes(int(limit)).astype(np.int64)
