"""Two-thread multi-spin Metropolis: exact against Kaufman, and one block = the
single-thread kernel bit for bit."""

import numba
import numpy as np
import pytest
from scipy import stats

from isingformer.errors import InputError
from isingformer.physics import (
    Sampler,
    ising_estimates,
    metropolis,
    square_ising,
    torus_thermodynamics,
)
from isingformer.physics.ising.metropolis_parallel import parallel_chain

SHAPE = (16, 128)


def test_one_block_is_the_single_thread_kernel():
    sampler = Sampler(square_ising(*SHAPE), metropolis("msc"))
    state = sampler.init_state([0.4], seed=7, start="random")
    _, s = sampler.sample(state, 30)
    e, m = parallel_chain(SHAPE, 0.4, 30, threads=1, seed=7)
    np.testing.assert_array_equal(e, s.energy[0])
    np.testing.assert_array_equal(m, s.magnetization[0])


@pytest.fixture
def one_numba_thread():
    # the chain depends on the number of row blocks, not on the threads that
    # run them (checked below); one thread keeps this test fast on a loaded machine
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(before)


def test_two_threads_give_the_same_chain_as_one():
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has one thread")
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = parallel_chain(SHAPE, 0.44, 20, threads=2, seed=3)
        numba.set_num_threads(2)
        b = parallel_chain(SHAPE, 0.44, 20, threads=2, seed=3)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("T", [2.0, 3.0])
def test_two_blocks_match_kaufman(T, one_numba_thread):
    exact = torus_thermodynamics(*SHAPE, [T])
    n = SHAPE[0] * SHAPE[1]
    z = []
    for seed in range(4):
        e, m = parallel_chain(SHAPE, 1.0 / T, 6000, threads=2, seed=seed, burn_in=300)
        est = ising_estimates(e, m, 1.0 / T, n, burn_in=0)
        ee, c = est["energy_per_spin"], est["specific_heat"]
        z.append((ee.mean - exact.energy_per_spin[0]) / ee.err)
        z.append((c.mean - exact.specific_heat_per_spin[0]) / c.err)
    z = np.array(z)
    # 8 z-scores (4 seeds x energy, specific heat): chi-square 8 dof, p > 1e-4
    assert stats.chi2.sf(np.sum(z**2), z.size) > 1e-4, z
    assert np.max(np.abs(z)) < 4.5, z


def test_bad_input():
    with pytest.raises(InputError, match="128"):
        parallel_chain((16, 96), 0.4, 2)
    with pytest.raises(InputError, match="threads"):
        parallel_chain(SHAPE, 0.4, 2, threads=0)
