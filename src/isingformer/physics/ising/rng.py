"""Counter-free, saveable random streams for the compiled samplers.

Each replica owns one xoshiro256** generator whose whole state is four uint64
words (a row of :attr:`SamplerState.rng`), so a sampler state saved to disk
resumes bit-for-bit. Streams are seeded with splitmix64 from ``(seed, replica)``.
"""

from __future__ import annotations

import numba
import numpy as np

U1 = np.uint64(1)
U7 = np.uint64(7)
U9 = np.uint64(9)
U5 = np.uint64(5)
U11 = np.uint64(11)
U17 = np.uint64(17)
U45 = np.uint64(45)
U64M = np.uint64(64)
INV53 = 1.0 / 9007199254740992.0  # 2^-53

_GOLDEN = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def _splitmix64(x: int) -> tuple[int, int]:
    x = (x + _GOLDEN) & _MASK
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return x, z ^ (z >> 31)


def seed_streams(seed: int, n_streams: int) -> np.ndarray:
    """Independent xoshiro256** states ``[n_streams, 4]`` (uint64) from one integer seed."""
    out = np.empty((n_streams, 4), dtype=np.uint64)
    for r in range(n_streams):
        x = (int(seed) * 0x2545F4914F6CDD1D + r * 0xD1B54A32D192ED03) & _MASK
        for k in range(4):
            x, z = _splitmix64(x)
            out[r, k] = z if z else 1
    return out


@numba.njit(inline="always")
def rotl(x, k):  # pragma: no cover - compiled
    return (x << k) | (x >> (U64M - k))


@numba.njit(inline="always")
def xoshiro_step(s0, s1, s2, s3):  # pragma: no cover - compiled
    """One xoshiro256** step on a state held in registers: ``(r, s0, s1, s2, s3)``."""
    r = rotl(s1 * U5, U7) * U9
    t = s1 << U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, U45)
    return r, s0, s1, s2, s3


@numba.njit(inline="always")
def next_u64(s):  # pragma: no cover - compiled
    """Next 64 random bits from the state ``s [4]`` (uint64), advancing it in place."""
    result, s[0], s[1], s[2], s[3] = xoshiro_step(s[0], s[1], s[2], s[3])
    return result


@numba.njit(inline="always")
def next_double(s):  # pragma: no cover - compiled
    """Uniform double in [0, 1) with 53 random bits."""
    return np.float64(next_u64(s) >> U11) * INV53
