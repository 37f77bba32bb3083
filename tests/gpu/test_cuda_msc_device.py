"""The CUDA multi-spin Metropolis on the device (marker ``cuda``): the same chain
as its CPU twin bit for bit, and Kaufman's exact energy and specific heat.

Skipped when Numba sees no CUDA device. ``NUMBA_ENABLE_CUDASIM=1 pytest -m
cuda tests/gpu/test_cuda_msc_device.py`` runs the first test in Numba's
simulator (the Kaufman test is too slow there: the CPU twin is tested
against Kaufman in ``tests/physics/ising/test_cuda_msc.py``).
"""

import numpy as np
import pytest
from numba.core import config
from scipy import stats

from isingformer.physics.ising.cuda_msc import cuda_available, cuda_chain
from isingformer.physics.ising.kaufman import exact_z_scores

pytestmark = [
    pytest.mark.cuda,
    # small test lattices launch few blocks: Numba's occupancy hint, not an error
    pytest.mark.filterwarnings("ignore:.*Grid size .* GPU under-utilization"),
]


@pytest.fixture(scope="module")
def numba_cuda():
    if not cuda_available():
        pytest.skip("Numba sees no CUDA device (NUMBA_ENABLE_CUDASIM=1: its simulator)")


def test_device_chain_is_the_cpu_twin(numba_cuda):
    shape = (16, 256) if config.ENABLE_CUDASIM else (64, 512)
    a = cuda_chain(shape, 0.44, 3, seed=3, burn_in=2, device="cuda")
    b = cuda_chain(shape, 0.44, 3, seed=3, burn_in=2, device="cpu")
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("resident", [False, True])
def test_gpu_sweeps_are_the_cpu_twin(numba_cuda, resident):
    """Both launch forms (one launch per colour; all sweeps in one cooperative
    launch) give the CPU twin's words bit for bit, from a random start."""
    from numba import cuda

    from isingformer.physics.ising.cuda_msc import gpu_sweeps, reference_sweeps
    from isingformer.physics.ising.metropolis_msc import threshold

    Y, nw, n = (8, 2, 3) if config.ENABLE_CUDASIM else (256, 4, 20)
    P = np.random.default_rng(5).integers(0, 2**64, size=(2, Y, nw), dtype=np.uint64)
    t4, t8 = threshold(np.exp(-4 * 0.44)), threshold(np.exp(-8 * 0.44))
    Pd = cuda.to_device(P)
    gpu_sweeps(Pd, 9, t4, t8, 7, n, block=64, resident=resident)
    reference_sweeps(P, np.uint64(9), t4, t8, 7, n)
    got = Pd.copy_to_host()
    assert (got != np.random.default_rng(5).integers(0, 2**64, size=P.shape, dtype=np.uint64)).any()
    np.testing.assert_array_equal(got, P)


@pytest.mark.parametrize("T", [2.269185314213022, 2.6, 3.0])
def test_device_chain_matches_kaufman(numba_cuda, T):
    if config.ENABLE_CUDASIM:
        pytest.skip("thousands of launches: too slow in the simulator")
    shape = (16, 128)
    chains = [
        cuda_chain(shape, 1.0 / T, 6000, seed=seed, burn_in=300, device="cuda") for seed in range(4)
    ]
    z = exact_z_scores(chains, shape, T)
    # 8 z-scores (4 seeds x energy, specific heat): chi-square with 8 dof, p > 1e-4
    assert stats.chi2.sf(np.sum(z**2), z.size) > 1e-4, z
    assert np.max(np.abs(z)) < 4.5, z


def test_cuda_sampler_backend_is_the_cpu_twin(numba_cuda):
    """``metropolis(backend="cuda")``'s run (sweeps and measurements on the
    device) gives its CPU twin's energies, magnetizations, S(k_min), final
    spins and streams bit for bit."""
    from isingformer.physics.ising.cuda_run import run_cuda
    from isingformer.physics.ising.hamiltonian import square_ising
    from isingformer.physics.ising.rng import seed_streams

    Y, X, n = (4, 128, 3) if config.ENABLE_CUDASIM else (64, 512, 600)  # 600: 3 buffer refills
    spins = (1 - 2 * np.random.default_rng(2).integers(0, 2, size=(2, Y * X))).astype(np.int8)
    res = []
    for dev in ("cuda", "cpu"):
        s, rng = spins.copy(), seed_streams(4, 2)
        res.append(
            (*run_cuda(square_ising(Y, X), s, np.array([0.44, 0.3]), rng, n, 1, dev), s, rng)
        )
    for a, b in zip(*res, strict=True):
        np.testing.assert_array_equal(a, b)
