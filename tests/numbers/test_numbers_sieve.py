"""The fast segmented sieve: exact prime counts, segment and thread-chunk edges,
gap histograms against a NumPy reference and against the previous (plain
per-class crossing-off) kernel, and the --limit work/memory ceiling."""

import math

import numpy as np
import pytest
from numba import njit

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.numbers.sieve import (
    LN_BIN,
    MAX_HALF_GAP,
    count_primes,
    gap_histogram,
    primes_up_to,
    sieve_cost,
)

PI_10K = [4, 25, 168, 1229, 9592, 78498, 664579, 5761455, 50847534]  # π(10^k), k = 1..9


@njit(cache=True)
def _previous_kernel(limit, seg_bytes, ln_bin, max_half):
    """The kernel this sieve replaced: mod-30 wheel, one loop per residue
    class, no pre-sieving, one bit at a time (kept as an independent reference)."""
    wheel = np.array([1, 7, 11, 13, 17, 19, 23, 29], dtype=np.int64)
    n_bins = int(math.log(max(limit, 3)) / ln_bin) + 2
    hist = np.zeros((n_bins, max_half + 1), dtype=np.int64)
    pos = np.full(30, -1, dtype=np.int64)
    for i in range(8):
        pos[wheel[i]] = i
    r = int(math.sqrt(limit)) + 2
    flags = np.ones(r + 1, dtype=np.uint8)
    flags[:2] = 0
    for i in range(2, int(math.sqrt(r)) + 1):
        if flags[i]:
            flags[i * i :: i] = 0
    base = np.nonzero(flags)[0][3:]
    nb = base.size
    nxt = np.empty((nb, 8), dtype=np.int64)
    masks = np.empty((nb, 8), dtype=np.uint8)
    for j in range(nb):
        p = base[j]
        for i in range(8):
            n0 = p * (p + ((wheel[i] - p) % 30))
            nxt[j, i] = n0 // 30
            masks[j, i] = np.uint8(255 - (1 << pos[n0 % 30]))
    total_bytes = limit // 30 + 1
    seg = np.empty(seg_bytes, dtype=np.uint8)
    count, prev, b = 3, 5, 0
    next_edge = int(math.ceil(math.exp(ln_bin)))  # noqa: RUF046 - numba typing
    while prev >= next_edge:
        b += 1
        next_edge = int(math.ceil(math.exp((b + 1) * ln_bin)))  # noqa: RUF046
    hist[int(math.log(3) / ln_bin), 1] += 1  # the gap 3 -> 5
    lo = 0
    while lo < total_bytes:
        hi = min(lo + seg_bytes, total_bytes)
        n = hi - lo
        seg[:n] = 255
        if lo == 0:
            seg[0] &= 254
        for j in range(nb):
            p = base[j]
            if p * p >= 30 * hi:
                break
            for i in range(8):
                k = nxt[j, i] - lo
                while k < n:
                    seg[k] &= masks[j, i]
                    k += p
                nxt[j, i] = k + lo
        for k in range(n):
            for i in range(8):
                q = 30 * (lo + k) + wheel[i]
                if seg[k] & (1 << i) and q <= limit:
                    while prev >= next_edge:
                        b += 1
                        next_edge = int(math.ceil(math.exp((b + 1) * ln_bin)))  # noqa: RUF046
                    hist[b, min((q - prev) // 2, max_half)] += 1
                    prev = q
                    count += 1
        lo = hi
    return hist, count


def _numpy_histogram(limit, shape):
    p = primes_up_to(limit)
    want = np.zeros(shape, dtype=np.int64)
    bins = np.floor(np.log(p[1:-1]) / LN_BIN).astype(int)
    np.add.at(want, (bins, np.minimum(np.diff(p[1:]) // 2, MAX_HALF_GAP)), 1)
    return want


@pytest.mark.parametrize("k", range(2, 10))
def test_pi_of_powers_of_ten(k):
    assert count_primes(10**k) == PI_10K[k - 1]


def test_pi_of_powers_of_ten_by_the_gap_path():
    for k in range(2, 9):
        assert gap_histogram(10**k, threads=2).n_primes == PI_10K[k - 1]


@pytest.mark.parametrize("segment", [8, 16, 64, 1024])
@pytest.mark.parametrize("threads", [1, 2, 3, 7])
def test_segment_and_chunk_edges(segment, threads):
    """Tiny segments and many chunks put primes, cycles and gaps across every kind of edge."""
    for limit in (100, 101, 239, 240, 241, 30 * segment * 3 + 1, 30 * segment * 5 - 1, 30_031):
        pi = primes_up_to(limit).size
        assert count_primes(limit, threads=threads, segment=segment) == pi, limit
        h = gap_histogram(limit, threads=threads, segment=segment)
        assert h.n_primes == pi, limit
        assert np.array_equal(h.counts, _numpy_histogram(limit, h.counts.shape)), limit


@pytest.mark.parametrize(
    ("limit", "threads", "segment"),
    [(1_000_003, 1, 1 << 17), (999_983, 2, 1 << 12), (1_234_567, 3, 1 << 15), (10**6, 2, 8)],
)
def test_gap_histogram_equals_numpy_reference(limit, threads, segment):
    h = gap_histogram(limit, threads=threads, segment=segment)
    assert np.array_equal(h.counts, _numpy_histogram(limit, h.counts.shape))
    assert h.clamped == 0


def test_gap_histogram_equals_previous_kernel_at_1e7():
    hist, n = _previous_kernel(10**7, 1 << 15, LN_BIN, MAX_HALF_GAP)
    for threads in (1, 2):
        h = gap_histogram(10**7, threads=threads)
        assert h.n_primes == n == 664579
        assert np.array_equal(h.counts, hist)


def test_thread_count_does_not_change_the_result():
    a = gap_histogram(3 * 10**7 + 7, threads=1)
    b = gap_histogram(3 * 10**7 + 7, threads=4, segment=1 << 14)
    assert a.n_primes == b.n_primes and np.array_equal(a.counts, b.counts)


def test_bad_thread_and_segment_arguments():
    with pytest.raises(InputError):
        count_primes(1000, threads=0)
    with pytest.raises(InputError):
        count_primes(1000, segment=12)


def test_cost_estimate_grows_like_x_log_log_x():
    w8, m8 = sieve_cost(10**8)
    w10, m10 = sieve_cost(10**10)
    assert 100 < w10 / w8 < 150  # x·(ln ln √x − const) + x/ln x
    assert m8 < m10 < 64 * 2**20  # histogram, segment, tables: no array of primes


def test_limit_over_the_work_ceiling_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("ISINGFORMER_MAX_WORK", "1e8")
    with pytest.raises(
        InputError, match=r"--limit 1e\+09 needs about .* over the ceiling of 1e\+08"
    ):
        gap_histogram(10**9)
    code = main(["numbers", "gaps", "--limit", "1000000000"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "sieve operations" in err[0] and "ISINGFORMER_MAX_WORK" in err[0]


def test_limit_over_the_memory_ceiling_is_one_line(monkeypatch):
    monkeypatch.setenv("ISINGFORMER_MAX_MEMORY", "1M")
    with pytest.raises(InputError, match=r"over the limit of 1\.0 MiB"):
        count_primes(10**6)


def test_gap_counts_fold_into_half_gap_columns_with_overflow_last():
    from isingformer.numbers.sieve_kernel import GAP_SLOTS, _fold, _histogram

    buf = np.array([7, 11, 13, 19, 819, 1819], dtype=np.uint64)
    gaps = np.zeros(GAP_SLOTS, dtype=np.int64)
    assert _histogram(buf, buf.size, 5, gaps) == 1819
    row = np.zeros(MAX_HALF_GAP + 1, dtype=np.int64)
    _fold(gaps, row, MAX_HALF_GAP)
    want = np.zeros_like(row)
    np.add.at(want, [1, 2, 1, 3], 1)  # gaps 2, 4, 2, 6
    want[MAX_HALF_GAP] = 2  # gaps 800 and 1000: the overflow column
    assert np.array_equal(row, want) and not gaps.any()


@pytest.mark.regression
def test_documented_sieve_design():
    """docs/numbers.md §5: 128 KiB segments, 14 patterns for the primes 7 … 163,
    small primes < 4096 in 32 KiB blocks, 256 words flattened at a time, bins of 0.05."""
    from isingformer.numbers import sieve_kernel as k
    from isingformer.numbers.sieve import SEGMENT_BYTES

    _, starts, periods, pre = k.presieve_patterns(SEGMENT_BYTES)
    assert SEGMENT_BYTES == 128 * 1024 and starts.size == periods.size == 14
    assert pre[0] == 7 and pre[-1] == 163 and pre.size == 35
    assert math.prod(int(p) for p in periods) == math.prod(int(q) for q in pre)  # each once
    assert (k.SMALL_PRIME_MAX, k.L1_BYTES, k.FLATTEN_WORDS) == (4096, 32 * 1024, 256)
    assert LN_BIN == 0.05
