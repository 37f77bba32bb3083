"""The CUDA multi-spin chain as a sampler backend (``metropolis(backend="cuda")``):
sweeps *and* measurements on the device.

A measurement is one launch of one thread per row that counts the row's
anti-parallel bonds (each bond once, from colour 0 to its four colour-1
neighbours, as :func:`isingformer.physics.ising.metropolis_msc._measure`)
and its down spins into a buffer ``[chunk, Y]`` (int32) on the device. The
buffer comes back every ``chunk`` measurements — 8 Y bytes per measurement
instead of the lattice's Y X / 8 — and the host sums the rows: energy,
magnetization and the structure factor ``|Σ_y m_y e^{2πi y/Y}|²`` from the
row magnetizations ``m_y``. The row count is written once and compiled for
the GPU and the CPU, so :func:`run_chain` with ``device="cpu"`` (the CPU
twin: :func:`~isingformer.physics.ising.cuda_msc.reference_sweeps` and the
same counts) gives the same numbers bit for bit.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import cuda  # a module global: the simulator swaps it inside kernels

from isingformer.errors import InputError
from isingformer.physics.ising.rng import xoshiro_step

__all__ = ["run_chain", "run_cuda"]

_U1, _U2, _U4 = np.uint64(1), np.uint64(2), np.uint64(4)
_U8, _U16, _U32, _U63 = np.uint64(8), np.uint64(16), np.uint64(32), np.uint64(63)
_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_M7 = np.uint64(0x7F)
_M32 = np.uint64(0xFFFFFFFF)


def _popcount(x):  # pragma: no cover - compiled (CPU and CUDA)
    """Set bits of a uint64 without a wrapping multiply (the simulator's NumPy
    scalars warn on wrap-around)."""
    x = x - ((x >> _U1) & _M1)
    x = (x & _M2) + ((x >> _U2) & _M2)
    x = (x + (x >> _U4)) & _M4
    x = x + (x >> _U8)
    x = x + (x >> _U16)
    x = x + (x >> _U32)
    return x & _M7


def _make_rows(jit):
    popcount = jit(_popcount)

    def _row_counts(P, y):  # pragma: no cover - compiled
        """(anti-parallel bonds from colour 0 in row ``y``, down spins of row ``y``)
        of ``P [2, Y, nw]``."""
        Y = P.shape[1]
        nw = P.shape[2]
        yp = y + 1 if y + 1 < Y else 0
        ym = y - 1 if y > 0 else Y - 1
        anti = 0
        down = 0
        for w in range(nw):
            a = P[0, y, w]
            if y % 2 == 0:  # colour 0 of an even row: its side neighbour is to the left
                n4 = (
                    P[1, y, w - 1]
                    if w > 0
                    else (P[1, y, nw - 1] << _U1) | (P[1, y, nw - 1] >> _U63)
                )
            else:
                n4 = P[1, y, w + 1] if w + 1 < nw else (P[1, y, 0] >> _U1) | (P[1, y, 0] << _U63)
            anti += popcount(a ^ P[1, ym, w]) + popcount(a ^ P[1, yp, w])
            anti += popcount(a ^ P[1, y, w]) + popcount(a ^ n4)
            down += popcount(a) + popcount(P[1, y, w])
        return anti, down

    return jit(_row_counts)


_rows_cpu = _make_rows(numba.njit(inline="always"))


@numba.njit(cache=True)
def _count_rows_cpu(P, m, anti, down):  # pragma: no cover - compiled
    """The CPU twin of the measurement kernel: row ``m`` of ``anti``, ``down`` ``[., Y]``."""
    for y in range(P.shape[1]):
        a, d = _rows_cpu(P, y)
        anti[m, y] = a
        down[m, y] = d


_KERNEL: dict = {}


def _measure_kernel():
    """One thread per row: its counts into row ``m`` of the buffers. Compiled on first use."""
    if "measure" not in _KERNEL:
        rows = _make_rows(cuda.jit(device=True))

        @cuda.jit
        def measure_kernel(P, m, anti, down):  # pragma: no cover - device code
            y = cuda.grid(1)
            if y < P.shape[1]:
                a, d = rows(P, y)
                anti[m, y] = a
                down[m, y] = d

        _KERNEL["measure"] = measure_kernel
    return _KERNEL["measure"]


def run_chain(
    P: np.ndarray,
    seed: int,
    t4,
    t8,
    sweep0: int,
    n_sweeps: int,
    every: int,
    device: str = "cuda",
    chunk: int = 256,
) -> tuple[np.ndarray, np.ndarray]:
    """``n_sweeps`` sweeps of the Philox chain from the words ``P [2, Y, nw]``
    (uint64, C order; updated in place), sweeps ``sweep0 …``, measured after
    every ``every`` sweeps (``n_sweeps // every`` measurements; a remainder is
    swept after the last). Returns the per-row counts ``(anti, down)``, each
    ``[n_meas, Y]`` (int64): anti-parallel bonds from colour 0 and down spins
    of every row. ``device="cpu"`` runs the CPU twin (the same numbers)."""
    from isingformer.physics.ising.cuda_msc import gpu_sweeps, reference_sweeps

    Y = P.shape[1]
    n_meas = int(n_sweeps) // int(every)
    rest = int(n_sweeps) - n_meas * int(every)
    anti = np.zeros((n_meas, Y), dtype=np.int64)
    down = np.zeros((n_meas, Y), dtype=np.int64)
    seed_u, t4, t8 = np.uint64(seed), np.uint64(t4), np.uint64(t8)
    if device == "cpu":
        for m in range(n_meas):
            first = np.uint64(int(sweep0) + m * int(every))
            reference_sweeps(P, seed_u, t4, t8, first, int(every))
            _count_rows_cpu(P, m, anti, down)
        reference_sweeps(P, seed_u, t4, t8, np.uint64(int(sweep0) + n_meas * int(every)), rest)
        return anti, down
    kernel = _measure_kernel()
    chunk = max(1, min(int(chunk), n_meas))
    Pd = cuda.to_device(P)
    buf_a = cuda.device_array((chunk, Y), dtype=np.int32)
    buf_d = cuda.device_array((chunk, Y), dtype=np.int32)
    block = min(256, Y)
    grid = (Y + block - 1) // block
    for m in range(n_meas):
        gpu_sweeps(Pd, int(seed), t4, t8, int(sweep0) + m * int(every), int(every))
        j = m % chunk
        kernel[grid, block](Pd, np.int64(j), buf_a, buf_d)
        if j == chunk - 1 or m == n_meas - 1:
            anti[m - j : m + 1] = buf_a.copy_to_host()[: j + 1]
            down[m - j : m + 1] = buf_d.copy_to_host()[: j + 1]
    gpu_sweeps(Pd, int(seed), t4, t8, int(sweep0) + n_meas * int(every), rest)
    P[...] = Pd.copy_to_host()
    return anti, down


@numba.njit
def _draw(state):  # pragma: no cover - compiled
    """One xoshiro256** draw from ``state [4]`` (advanced in place)."""
    r, s0, s1, s2, s3 = xoshiro_step(state[0], state[1], state[2], state[3])
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return r


def run_cuda(
    model,
    spins: np.ndarray,
    betas: np.ndarray,
    rng: np.ndarray,
    n_sweeps: int,
    every: int,
    device: str = "cuda",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``"cuda"`` Metropolis backend: every replica ``r`` of ``spins [R, N]``
    (int8, updated in place) runs the Philox multi-spin chain at ``betas[r]`` on
    the GPU (``device="cpu"``: its CPU twin). Each call draws one 64-bit word
    from the replica's stream ``rng[r]``: its low half is the Philox seed, its
    high half the high half of the sweep counter (so successive calls never
    reuse random numbers). Returns energy, magnetization and S(k_min), each
    ``[R, n_sweeps // every]``."""
    from isingformer.physics.ising.metropolis_msc import pack, threshold, unpack

    if np.any(betas <= 0):
        raise InputError("multi-spin coding needs beta > 0 (T > 0)")
    Y, X = model.lattice.shape
    R = spins.shape[0]
    n_meas = int(n_sweeps) // int(every)
    words = pack(spins.reshape(R, Y, X))
    phase = np.exp(2j * np.pi * np.arange(Y) / Y)
    energy, mag, four = (np.zeros((R, n_meas)) for _ in range(3))
    for r in range(R):
        k = float(betas[r] * model.J)
        draw = int(_draw(rng[r]))
        P = np.ascontiguousarray(words[r])
        anti, down = run_chain(
            P,
            draw & 0xFFFFFFFF,
            threshold(np.exp(-4.0 * k)),
            threshold(np.exp(-8.0 * k)),
            (draw >> 32) << 32,
            n_sweeps,
            every,
            device,
        )
        words[r] = P
        energy[r] = -model.J * (2.0 * Y * X - 2.0 * anti.sum(axis=1))
        mag[r] = Y * X - 2.0 * down.sum(axis=1)
        four[r] = np.abs((X - 2.0 * down) @ phase) ** 2
    spins[:] = unpack(words, X).reshape(R, -1)
    return energy, mag, four
