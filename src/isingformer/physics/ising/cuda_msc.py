"""Multi-spin Metropolis on a CUDA GPU (Numba CUDA), with a CPU twin.

The word layout and the exact bit-sliced acceptance are those of
:mod:`isingformer.physics.ising.metropolis_msc` (64 spins of one colour per
uint64, acceptance floor(p 2^64) / 2^64 decided digit by digit). One GPU
thread updates one word. The random bits come from the counter-based
Philox4x32-10 generator (Salmon et al., SC'11): word ``i`` of colour ``c``
uses the key ``(c Y nw + i, seed)`` and the counter ``(draw, sweep, 0, 0)``,
so no generator state is stored, and the chain depends on the seed and the
sweep numbers only, never on the launch geometry or thread order.

The word update is written once (``_update_word``) and compiled twice:
for the GPU (``numba.cuda.jit(device=True)``) and for the CPU
(``numba.njit``), so :func:`reference_sweeps` is the same chain bit for bit.
``NUMBA_ENABLE_CUDASIM=1`` runs the CUDA kernel in Numba's simulator (tested
against the CPU twin on a small lattice); the CPU twin is tested against
Kaufman's exact torus. :func:`gpu_sweeps` launches the kernel once per colour
and sweep, or (small lattices) runs every sweep in one cooperative launch.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import cuda  # a module global: the simulator swaps it inside kernels

from isingformer.physics.ising.metropolis_msc import bond_classes

U0 = np.uint64(0)
U1 = np.uint64(1)
U32 = np.uint64(32)
U63 = np.uint64(63)
M32 = np.uint64(0xFFFFFFFF)
ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
PH_M0 = np.uint64(0xD2511F53)
PH_M1 = np.uint64(0xCD9E8D57)
PH_W0 = np.uint64(0x9E3779B9)
PH_W1 = np.uint64(0xBB67AE85)


def _philox(c0, c1, c2, c3, k0, k1):  # pragma: no cover - compiled
    """Philox4x32-10 of the counter ``(c0, c1, c2, c3)`` under the key ``(k0, k1)``
    (32-bit values held in uint64); the 128 output bits as two uint64."""
    for _ in range(10):
        p0 = PH_M0 * c0
        p1 = PH_M1 * c2
        n0 = (p1 >> U32) ^ c1 ^ k0
        n2 = (p0 >> U32) ^ c3 ^ k1
        c1 = p1 & M32
        c3 = p0 & M32
        c0 = n0
        c2 = n2
        k0 = (k0 + PH_W0) & M32
        k1 = (k1 + PH_W1) & M32
    return (c0 << U32) | c1, (c2 << U32) | c3


def _make_update(jit):
    philox = jit(_philox)
    classes = jit(bond_classes)

    def _update_word(P, c, y, w, seed, sweep, t4, t8):  # pragma: no cover - compiled
        """Metropolis update of word ``w`` of colour ``c`` in row ``y`` of ``P [2, Y, nw]``."""
        Y = P.shape[1]
        nw = P.shape[2]
        o = 1 - c
        yp = y + 1 if y + 1 < Y else 0
        ym = y - 1 if y > 0 else Y - 1
        a = P[c, y, w]
        if (y + c) % 2 == 0:
            n4 = P[o, y, w - 1] if w > 0 else (P[o, y, nw - 1] << U1) | (P[o, y, nw - 1] >> U63)
        else:
            n4 = P[o, y, w + 1] if w + 1 < nw else (P[o, y, 0] >> U1) | (P[o, y, 0] << U63)
        ge2, eq1, eq0 = classes(a, P[o, ym, w], P[o, yp, w], P[o, y, w], n4)
        undecided = ~ge2
        flip = ge2
        if undecided != U0:
            k0 = np.uint64(c * Y * nw + y * nw + w) & M32
            k1 = np.uint64(seed) & M32
            s_lo = np.uint64(sweep) & M32
            s_hi = np.uint64(sweep) >> U32
            draw = U0
            spare = U0
            have = False
            bit = U63
            while True:
                if have:
                    r = spare
                    have = False
                else:
                    r, spare = philox(draw, s_lo, s_hi, U0, k0, k1)
                    draw += U1
                    have = True
                # ALL * digit, not 0 - digit: the simulator's NumPy scalars warn on wrap-around
                tb = (eq1 & (ALL * ((t4 >> bit) & U1))) | (eq0 & (ALL * ((t8 >> bit) & U1)))
                flip |= undecided & tb & ~r
                undecided &= ~(r ^ tb)
                if undecided == U0 or bit == U0:
                    break
                bit -= U1
        P[c, y, w] = a ^ flip

    return philox, jit(_update_word)


philox_cpu, _update_cpu = _make_update(numba.njit(inline="always"))


@numba.njit
def reference_sweeps(P, seed, t4, t8, sweep0, n_sweeps):  # pragma: no cover - compiled
    """The GPU chain on the CPU: sweeps ``sweep0 .. sweep0 + n_sweeps - 1`` of
    ``P [2, Y, nw]`` in place (colour 0, then 1; every word of a colour at once)."""
    Y = P.shape[1]
    nw = P.shape[2]
    first = np.uint64(sweep0)  # uint64 arithmetic: counters up to 2^64 - 1
    for s in range(n_sweeps):
        for c in range(2):
            for y in range(Y):
                for w in range(nw):
                    _update_cpu(P, c, y, w, seed, first + np.uint64(s), t4, t8)


_GPU: dict = {}

# Measured on an H200 (docs/performance.md): at L = 4096 (1.9 words of a colour
# per resident thread) the cooperative kernel ran 3.2x the per-colour launches;
# at L = 16384 (31 words per thread) 0.81x. The switch lies between.
RESIDENT_WORDS_PER_THREAD = 4


def _gpu_kernel():
    """The CUDA kernel (one launch per colour), compiled on first launch."""
    if "kernel" not in _GPU:
        _, update = _make_update(cuda.jit(device=True))

        @cuda.jit
        def colour_kernel(P, c, seed, sweep, t4, t8):  # pragma: no cover - device code
            i = cuda.grid(1)
            nw = P.shape[2]
            if i < P.shape[1] * nw:
                update(P, c, i // nw, i % nw, seed, sweep, t4, t8)

        _GPU["kernel"] = colour_kernel
    return _GPU["kernel"]


def _resident_kernel():
    """The persistent CUDA kernel: every sweep of a call in one cooperative launch,
    the grid synchronised between colours (grid-stride over the words), so a
    small lattice is not bound by two launches per sweep. Compiled on first use."""
    if "resident" not in _GPU:
        _, update = _make_update(cuda.jit(device=True))

        @cuda.jit
        def sweeps_kernel(P, seed, sweep0, n_sweeps, t4, t8):  # pragma: no cover - device code
            grid = cuda.cg.this_grid()
            start = cuda.grid(1)
            stride = cuda.gridsize(1)
            nw = P.shape[2]
            n = P.shape[1] * nw
            for s in range(n_sweeps):
                sweep = sweep0 + np.uint64(s)
                for c in range(2):
                    i = start
                    while i < n:
                        update(P, c, i // nw, i % nw, seed, sweep, t4, t8)
                        i += stride
                    grid.sync()

        _GPU["resident"] = sweeps_kernel
    return _GPU["resident"]


def cuda_available() -> bool:
    """True when Numba sees a CUDA device (or its simulator, ``NUMBA_ENABLE_CUDASIM=1``)."""
    return bool(cuda.is_available())


def resident_grid(block: int = 256) -> int:
    """Blocks of ``block`` threads of the persistent kernel that can all be
    resident at once (a cooperative grid's limit; compiles the kernel on first
    use). Asked of the driver once per block size, then cached; the simulator
    synchronises a grid of one block only."""
    from numba.core import config

    if config.ENABLE_CUDASIM:
        return 1
    key = ("resident_grid", int(block))
    if key not in _GPU:
        kernel = _resident_kernel()
        if not kernel.overloads:  # compile for the lattice array type, with no sweep
            dummy = cuda.to_device(np.zeros((2, 1, 1), dtype=np.uint64))
            kernel[1, block](dummy, U0, U0, np.int64(0), U0, U0)
            cuda.synchronize()
        overload = next(iter(kernel.overloads.values()))
        _GPU[key] = int(overload.max_cooperative_grid_blocks(int(block)))
    return _GPU[key]


def gpu_sweeps(
    P,
    seed: int,
    t4,
    t8,
    sweep0: int,
    n_sweeps: int,
    block: int = 256,
    resident: bool | None = None,
) -> None:
    """``n_sweeps`` sweeps on the GPU of the device array ``P [2, Y, nw]`` (uint64,
    ``numba.cuda.to_device``), in place; the same chain as :func:`reference_sweeps`.

    ``resident``: run every sweep in one cooperative launch (:func:`_resident_kernel`);
    default: when a colour's words are at most ``RESIDENT_WORDS_PER_THREAD`` per
    thread of the largest resident grid (small lattices, where two launches per
    sweep cost more than the sweep), else one launch per colour and sweep.
    Asynchronous: call ``numba.cuda.synchronize()`` before timing or copying back."""
    n_words = P.shape[1] * P.shape[2]
    seed, t4, t8 = np.uint64(seed), np.uint64(t4), np.uint64(t8)
    if resident is not False and int(n_sweeps) > 0:
        kernel = _resident_kernel()
        args = (P, seed, np.uint64(int(sweep0)), np.int64(n_sweeps), t4, t8)
        fit = resident_grid(block)
        if resident or RESIDENT_WORDS_PER_THREAD * fit * block >= n_words:
            kernel[max(1, min(fit, (n_words + block - 1) // block)), block](*args)
            return
    kernel = _gpu_kernel()
    grid = (n_words + block - 1) // block
    for s in range(int(n_sweeps)):
        sweep = np.uint64(int(sweep0) + s)
        for c in range(2):
            kernel[grid, block](P, c, seed, sweep, t4, t8)


def cuda_chain(
    shape: tuple[int, int],
    beta: float,
    n_sweeps: int,
    seed: int = 0,
    burn_in: int = 0,
    device: str = "cuda",
) -> tuple[np.ndarray, np.ndarray]:
    """Total energies and magnetizations ``[n_sweeps]`` (J = 1, one per sweep after
    ``burn_in``) of the Philox multi-spin chain on a ``shape = (Y, X)`` torus from
    a random start, on the GPU (``device="cuda"``) or its CPU twin (``"cpu"``);
    both give the same numbers for the same seed."""
    from isingformer.errors import InputError
    from isingformer.physics.ising.metropolis_msc import msc_supported, pack, threshold

    reason = msc_supported(tuple(shape))
    if reason is not None:
        raise InputError(reason)
    if device not in ("cuda", "cpu"):
        raise InputError(f"device must be cuda or cpu, got {device!r}")
    if not beta > 0:
        raise InputError(f"beta must be > 0, got {beta}")
    if not 0 <= int(seed) < 2**32:
        raise InputError(f"seed must be in 0 .. 2^32 - 1, got {seed}")
    if device == "cuda" and not cuda_available():
        raise InputError("no CUDA device visible to Numba; use device='cpu'")
    from isingformer.physics.ising.cuda_run import run_chain

    Y, X = shape
    g = np.random.default_rng(seed)
    P = np.ascontiguousarray(pack((1 - 2 * g.integers(0, 2, size=(1, Y, X))).astype(np.int8))[0])
    t4, t8 = threshold(np.exp(-4.0 * beta)), threshold(np.exp(-8.0 * beta))
    if device == "cuda":
        Pd = cuda.to_device(P)
        gpu_sweeps(Pd, seed, t4, t8, 0, int(burn_in))
        P = Pd.copy_to_host()
    else:
        reference_sweeps(P, np.uint64(seed), t4, t8, 0, int(burn_in))
    anti, down = run_chain(P, seed, t4, t8, int(burn_in), int(n_sweeps), 1, device)
    energy = -(2.0 * Y * X - 2.0 * anti.sum(axis=1))
    mag = Y * X - 2.0 * down.sum(axis=1)
    return energy, mag
