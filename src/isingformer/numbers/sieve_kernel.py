"""The Numba kernel of the segmented mod-30 wheel sieve (see :mod:`isingformer.numbers.sieve`).

Layout: byte k of the sieve holds the eight numbers 30k + WHEEL[i] in bit i.
One call of :func:`sieve_chunk` sieves the bytes [lo, hi) segment by segment
and either counts the primes (popcount) or streams every gap into the ln p
histogram. Per segment:

1. **Pre-sieve.** The multiples of 7 … 163 are removed by copying and AND-ing
   periodic byte patterns (one per group of primes whose product is the
   period, :func:`presieve_patterns`) — no crossing-off for these primes.
2. **Crossing off** the primes 167 … √limit. A prime p hits its eight wheel
   residue classes at byte offsets r_0 … r_7 < p of every "cycle" of p bytes
   (30p integers). The offsets are stored by the bit they clear, so the
   unrolled loop over whole cycles has constant masks; partial cycles at the
   segment ends are done one class at a time.
3. **Output.** Counting: popcount of 64-bit words. Gaps: the set bits of a
   block of words are first flattened into a list of prime offsets (trailing
   zero counts, written unconditionally 8 or 16 at a time so that no branch
   depends on the data), then the gaps q − p of the list are counted by size
   (one increment per prime) and the counts are folded into
   ``hist[b, g // 2]`` (b the ln p bin of the lower prime) when the bin
   changes; segments that contain a bin edge go prime by prime.

The kernel releases the GIL (``nogil``): the caller runs chunks of the byte
range on threads and joins the gaps across chunk edges.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

__all__ = [
    "PRESIEVE_MAX",
    "WHEEL",
    "bin_edges",
    "presieve_patterns",
    "sieve_chunk",
    "small_primes",
]

#: Residues mod 30 coprime to 30: byte k of the sieve holds 30k + WHEEL[i] in bit i.
WHEEL = np.array([1, 7, 11, 13, 17, 19, 23, 29], dtype=np.int64)
#: Primes 7 … PRESIEVE_MAX are removed by the periodic patterns.
PRESIEVE_MAX = 163
#: Largest period (bytes) of one pre-sieve pattern.
PATTERN_MAX_BYTES = 1 << 19
#: Primes below this are crossed off in blocks of L1_BYTES (8 streams stay in L1).
SMALL_PRIME_MAX = 4096
L1_BYTES = 1 << 15
#: Gap counters per bin in the fast loop (a power of 2 above every prime gap below 4e18).
GAP_SLOTS = 1 << 12
#: Words (8 bytes) flattened at a time before histogramming their gaps.
FLATTEN_WORDS = 256


@intrinsic
def _popcount(typingctx, x):
    def codegen(context, builder, sig, args):
        return builder.ctpop(args[0])

    return types.int64(types.uint64), codegen


@intrinsic
def _ctz(typingctx, x):
    """Trailing zeros of a uint64; 64 for 0 (defined, so it may run past the last bit)."""

    def codegen(context, builder, sig, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))

    return types.int64(types.uint64), codegen


@njit(cache=True)
def small_primes(r: int) -> np.ndarray:
    """All primes ≤ r (plain sieve), int64 ``[π(r)]``."""
    flags = np.ones(r + 1, dtype=np.uint8)
    flags[0] = 0
    if r >= 1:
        flags[1] = 0
    i = 2
    while i * i <= r:
        if flags[i]:
            for m in range(i * i, r + 1, i):
                flags[m] = 0
        i += 1
    return np.nonzero(flags)[0].astype(np.int64)


@njit(cache=True)
def bin_edges(n_bins: int, ln_bin: float) -> np.ndarray:
    """``edges[j] = ⌈exp(j·ln_bin)⌉`` (j ≥ 1), ``edges[0] = 0``, shape ``[n_bins + 2]``:
    a prime p lies in bin b = #{j ≥ 1 : edges[j] ≤ p}."""
    e = np.zeros(n_bins + 2, dtype=np.int64)
    for j in range(1, n_bins + 2):
        e[j] = int(math.ceil(math.exp(j * ln_bin)))  # noqa: RUF046 - numba typing
    return e


@functools.cache
def _pattern_periods() -> tuple[tuple[int, np.ndarray], ...]:
    """(period P, one period of pattern bytes) per group of pre-sieved primes."""
    rest = [int(p) for p in small_primes(PRESIEVE_MAX) if p >= 7]
    out = []
    while rest:
        group = [rest.pop()]
        period = group[0]
        while rest and period * rest[0] <= PATTERN_MAX_BYTES:
            q = rest.pop(0)
            group.append(q)
            period *= q
        byte = np.full(period, 255, dtype=np.uint8)
        for q in group:
            for i, w in enumerate(WHEEL):  # 30k + w ≡ 0 (mod q): k ≡ −w·30⁻¹ (mod q)
                byte[(-int(w) * pow(30, -1, q)) % q :: q] &= np.uint8(255 - (1 << i))
        out.append((period, byte))
    return tuple(out)


@functools.cache
def presieve_patterns(seg_bytes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pre-sieve patterns for segments of ``seg_bytes`` bytes.

    Primes 7 … 163 are grouped (largest with the smallest that fit) into
    groups whose product P ≤ :data:`PATTERN_MAX_BYTES`; byte k of a group's
    pattern has bit i cleared when 30k + WHEEL[i] is divisible by a prime of
    the group, which depends on k mod P only. Each pattern is stored with
    ``seg_bytes`` bytes of wrap-around so that any segment is one contiguous
    slice. Returns (concatenated patterns uint8, starts int64 ``[G]``,
    periods int64 ``[G]``, the pre-sieved primes int64).
    """
    groups = _pattern_periods()
    chunks = [np.resize(byte, period + seg_bytes) for period, byte in groups]
    periods = [period for period, _ in groups]
    starts = np.cumsum([0] + [c.size for c in chunks[:-1]])
    pre = small_primes(PRESIEVE_MAX)
    return (
        np.concatenate(chunks),
        starts.astype(np.int64),
        np.array(periods, dtype=np.int64),
        pre[pre >= 7],
    )


@njit(cache=True)
def _cycle_tables(primes, lo0):
    """Per sieving prime: offsets r[j, bit] of its 8 classes in a cycle of p
    bytes (indexed by the bit they clear) and the first cycle start ≥ p²/30
    whose hits can reach byte lo0."""
    pos = np.full(30, -1, dtype=np.int64)
    for i in range(8):
        pos[WHEEL[i]] = i
    nb = primes.size
    r = np.empty((nb, 8), dtype=np.uint64)
    cyc = np.empty(nb, dtype=np.int64)
    for j in range(nb):
        p = primes[j]
        for i in range(8):
            r[j, pos[(p * WHEEL[i]) % 30]] = (p * WHEEL[i]) // 30
        # multiples p·m, m = 30t + WHEEL[i], lie at byte p·t + r; cycle t = p // 30
        # starts below p² with composites only (m ≥ 30t > 1), so it is safe
        cyc[j] = p * max(p // 30, lo0 // p)
    return r, cyc


@njit(cache=True)
def _presieve(seg, n, lo, pats, pstarts, pperiods):
    """seg[:n] = AND of the patterns at byte lo (slices, so that the loops vectorise)."""
    dst = seg[:n]
    o = pstarts[0] + lo % pperiods[0]
    src = pats[o : o + n]
    for k in range(n):
        dst[k] = src[k]
    for g in range(1, pstarts.size):
        o = pstarts[g] + lo % pperiods[g]
        src = pats[o : o + n]
        for k in range(n):
            dst[k] &= src[k]


@njit(cache=True)
def _cross_off(seg, n, lo, primes, r, cyc):
    hi = lo + n
    un = np.uint64(n)
    spare = np.uint64(seg.size - 1)  # never read: segments leave the last 8 bytes
    for j in range(primes.size):
        p = primes[j]
        if p * p >= 30 * hi:  # sorted: no later prime starts in this segment
            break
        c = cyc[j]
        up = np.uint64(p)
        while c < hi:
            if c >= lo and c + p <= hi:  # whole cycles: 8 constant-mask clears each
                r0, r1, r2, r3 = r[j, 0], r[j, 1], r[j, 2], r[j, 3]
                r4, r5, r6, r7 = r[j, 4], r[j, 5], r[j, 6], r[j, 7]
                k = np.uint64(c - lo)
                while k + up <= un:
                    seg[k + r0] &= np.uint8(254)
                    seg[k + r1] &= np.uint8(253)
                    seg[k + r2] &= np.uint8(251)
                    seg[k + r3] &= np.uint8(247)
                    seg[k + r4] &= np.uint8(239)
                    seg[k + r5] &= np.uint8(223)
                    seg[k + r6] &= np.uint8(191)
                    seg[k + r7] &= np.uint8(127)
                    k += up
                c = np.int64(k) + lo
                continue
            uc = np.uint64(c - lo)  # a cycle cut by a segment edge: branch-free,
            for bit in range(8):  # a hit outside [lo, hi) clears the spare last byte
                x = uc + r[j, bit]
                seg[x if x < un else spare] &= np.uint8(255 - (1 << bit))
            if c + p > hi:
                break
            c += p
        cyc[j] = c


@njit(cache=True)
def _flatten(words, w0, w1, base, offs, buf):
    """Numbers of the set bits of ``words[w0:w1]`` into ``buf`` (uint64, ascending;
    ``base`` is the number of bit 0 of word 0 minus its wheel offset); returns their count."""
    m = 0
    for w in range(w0, w1):
        v = words[w]
        cnt = _popcount(v)
        bw = np.uint64(base + 240 * w)
        for u in range(8):
            buf[m + u] = bw + offs[_ctz(v)]
            v &= v - np.uint64(1)
        if cnt > 8:
            for u in range(8, 16):
                buf[m + u] = bw + offs[_ctz(v)]
                v &= v - np.uint64(1)
            u = 16
            while v:
                buf[m + u] = bw + offs[_ctz(v)]
                v &= v - np.uint64(1)
                u += 1
        m += cnt
    return m


@njit(cache=True)
def _histogram(buf, m, prev, gaps):
    """``gaps[(q − p) mod GAP_SLOTS] += 1`` for consecutive p, q of ``prev, buf[:m]``.

    The mask keeps every index in range whatever the data; the count is exact
    because every prime gap below 4·10^18 is ≤ 1476 < GAP_SLOTS (Oliveira e
    Silva, Herzog and Pardi 2014; ≤ 354 below 10^10). Unsigned, no shift, no
    clamp: the cheapest loop per prime. Returns the last q."""
    uprev = np.uint64(prev)
    mask = np.uint64(GAP_SLOTS - 1)
    for i in range(m):
        q = buf[i]
        gaps[(q - uprev) & mask] += 1
        uprev = q
    return np.int64(uprev)


@njit(cache=True)
def _fold(gaps, row, max_half):
    """Move the counts of ``gaps`` (by gap g) into ``row`` (by min(g/2, max_half))."""
    for g in range(2, gaps.size, 2):
        if gaps[g]:
            row[min(g >> 1, max_half)] += gaps[g]
            gaps[g] = 0


@njit(nogil=True, cache=True)
def sieve_chunk(
    lo0, hi0, limit, primes, seg_bytes, pats, pstarts, pperiods, pre_primes, edges, max_half, count
):
    """Sieve bytes [lo0, hi0) of the mod-30 sieve of [1, limit].

    ``primes``: sieving primes in (PRESIEVE_MAX, √limit], ascending;
    ``seg_bytes``: a multiple of 8. Returns (hist int64 ``[n_bins, max_half + 1]``,
    number of primes, clamped gaps, first prime, last prime) — hist empty and
    first/last −1 when ``count`` (count only); −1 also when the chunk has no
    prime. Gaps whose lower prime lies in an earlier chunk are left to the
    caller; gaps ≥ 2·max_half are counted in column max_half.
    """
    pos = np.full(30, -1, dtype=np.int64)
    for i in range(8):
        pos[WHEEL[i]] = i
    offs = np.zeros(65, dtype=np.int64)
    for t in range(64):
        offs[t] = 30 * (t >> 3) + WHEEL[t & 7]
    uoffs = offs.astype(np.uint64)
    r, cyc = _cycle_tables(primes, lo0)
    n_small = np.searchsorted(primes, SMALL_PRIME_MAX)
    total_bytes = limit // 30 + 1
    n_bins = 0 if count else edges.size - 2
    hist = np.zeros((n_bins, max_half + 1), dtype=np.int64)
    buf = np.empty(FLATTEN_WORDS * 64 + 16, dtype=np.uint64)
    seg = np.zeros(seg_bytes + 8, dtype=np.uint8)
    words = seg.view(np.uint64)
    gaps = np.zeros(GAP_SLOTS, dtype=np.int64)  # gap counts of the current bin b
    pending = False
    n_primes, first, prev, b = 0, -1, -1, 0
    next_edge = edges[1]
    lo = lo0
    while lo < hi0:
        hi = min(lo + seg_bytes, hi0)
        n = hi - lo
        _presieve(seg, n, lo, pats, pstarts, pperiods)
        if lo == 0:
            for q in pre_primes:  # the patterns cleared the pre-sieved primes themselves
                seg[q // 30] |= np.uint8(1 << pos[q % 30])
            seg[0] &= np.uint8(254)  # 1 is not prime
        # small primes in L1-sized blocks, then the rest over the whole segment
        for blo in range(lo, hi, L1_BYTES):
            bn = min(L1_BYTES, hi - blo)
            _cross_off(seg[blo - lo :], bn, blo, primes[:n_small], r, cyc)
        _cross_off(seg, n, lo, primes[n_small:], r[n_small:], cyc[n_small:])
        if hi == total_bytes:  # numbers above the limit in the last byte
            last = 30 * (total_bytes - 1)
            for i in range(8):
                if last + WHEEL[i] > limit:
                    seg[n - 1] &= np.uint8(255 - (1 << i))
        nw = (n + 7) >> 3
        seg[n : nw * 8] = 0
        if count:
            for w in range(nw):
                n_primes += _popcount(words[w])
            lo = hi
            continue
        if prev >= 0 and 30 * hi < next_edge:  # every lower prime here is in bin b
            for w0 in range(0, nw, FLATTEN_WORDS):
                m = _flatten(words, w0, min(w0 + FLATTEN_WORDS, nw), 30 * lo, uoffs, buf)
                prev = _histogram(buf, m, prev, gaps)
                n_primes += m
            pending = True
        else:  # a bin edge (or the chunk's first prime) lies in this segment
            if pending:
                _fold(gaps, hist[b], max_half)
                pending = False
            for w in range(nw):
                v = words[w]
                base = 30 * lo + 240 * w
                while v:
                    q = base + offs[_ctz(v)]
                    v &= v - np.uint64(1)
                    n_primes += 1
                    if prev < 0:
                        first = q
                    else:
                        while prev >= next_edge:
                            b += 1
                            next_edge = edges[b + 1]
                        hist[b, min((q - prev) >> 1, max_half)] += 1
                    prev = q
        lo = hi
    if pending:
        _fold(gaps, hist[b], max_half)
    return hist, n_primes, first, prev
