"""The ``cuda`` Metropolis backend without a GPU: its measurements (per-row
counts summed on the host) are those of the multi-spin measurement, its CPU
twin is the chain of ``reference_sweeps``, and asking for it with no device is
one clear error. (Its CUDA kernels in Numba's simulator give the CPU twin's
numbers bit for bit: ``test_cuda_msc.py``, which runs the simulator once.)"""

import numpy as np
import pytest

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.physics.ising.cuda_msc import cuda_available, reference_sweeps
from isingformer.physics.ising.cuda_run import _draw, run_cuda
from isingformer.physics.ising.hamiltonian import square_ising
from isingformer.physics.ising.metropolis_msc import _measure, pack, threshold, unpack
from isingformer.physics.ising.rng import seed_streams
from isingformer.physics.ising.rules import metropolis
from isingformer.physics.ising.sampler import Sampler


def _spins(R, Y, X, seed=0):
    g = np.random.default_rng(seed)
    return (1 - 2 * g.integers(0, 2, size=(R, Y * X))).astype(np.int8)


def test_cpu_twin_is_reference_sweeps_and_the_msc_measurement():
    Y, X, beta, n, every = 6, 256, 0.44, 7, 2  # a remainder sweep after the last measurement
    model = square_ising(Y, X)
    spins = _spins(2, Y, X)
    rng = seed_streams(3, 2)
    start, rng0 = spins.copy(), rng.copy()
    e, m, f = run_cuda(model, spins, np.array([beta, 0.3]), rng, n, every, device="cpu")
    assert e.shape == m.shape == f.shape == (2, n // every)
    cos_y, sin_y = np.cos(2 * np.pi * np.arange(Y) / Y), np.sin(2 * np.pi * np.arange(Y) / Y)
    for r, b in enumerate((beta, 0.3)):
        draw = int(_draw(rng0[r]))
        P = pack(start[r].reshape(1, Y, X))[0]
        t4, t8 = threshold(np.exp(-4 * b)), threshold(np.exp(-8 * b))
        sweep = (draw >> 32) << 32
        for k in range(n // every):
            reference_sweeps(
                P, np.uint64(draw & 0xFFFFFFFF), t4, t8, np.uint64(sweep + k * every), every
            )
            anti, down, four = _measure(P, cos_y, sin_y)
            assert e[r, k] == -(2.0 * Y * X - 2.0 * anti)
            assert m[r, k] == Y * X - 2.0 * down
            assert f[r, k] == pytest.approx(four, rel=1e-12)
        last = np.uint64(sweep + n - n % every)
        reference_sweeps(P, np.uint64(draw & 0xFFFFFFFF), t4, t8, last, n % every)
        np.testing.assert_array_equal(spins[r], unpack(P[None], X)[0].ravel())
    np.testing.assert_array_equal(rng, rng0)  # one draw per replica, as replayed above
    assert not np.array_equal(spins, start)


def test_successive_calls_use_fresh_random_numbers():
    Y, X = 4, 128
    model = square_ising(Y, X)
    spins, rng = _spins(1, Y, X), seed_streams(0, 1)
    a = run_cuda(model, spins.copy(), np.array([0.3]), rng, 4, 1, device="cpu")[0]
    b = run_cuda(model, spins.copy(), np.array([0.3]), rng, 4, 1, device="cpu")[0]
    assert not np.array_equal(a, b)  # the same start, the stream advanced by the first call


@pytest.mark.skipif(cuda_available(), reason="a CUDA device is visible")
def test_no_device_is_one_clear_error(capsys):
    model = square_ising(4, 128)
    sampler = Sampler(model, metropolis(backend="cuda"))
    with pytest.raises(InputError, match="CUDA device"):
        sampler.sample(sampler.init_state([0.4], seed=0), 2)
    code = main(["ising", "simulate", "--size", "128", "--sweeps", "2", "--backend", "cuda"])
    err = capsys.readouterr().err
    assert code == 2 and "CUDA device" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cuda_backend_needs_the_multi_spin_lattice():
    with pytest.raises(InputError, match="128"):
        metropolis(backend="cuda").resolve(square_ising(8))
