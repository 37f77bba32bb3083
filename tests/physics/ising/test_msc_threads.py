"""Multi-spin Metropolis and heat-bath on strips run by GIL-free threads:
exact against Kaufman's torus, and the same chain for any number of threads."""

import math

import numpy as np
import pytest
from scipy import stats

from isingformer.errors import InputError
from isingformer.physics import Sampler, heatbath, square_ising
from isingformer.physics.ising.heatbath_msc import heatbath_thresholds
from isingformer.physics.ising.kaufman import exact_z_scores
from isingformer.physics.ising.msc_threads import threaded_chain

SHAPE = (16, 128)


@pytest.mark.parametrize("rule", ["metropolis", "heatbath"])
def test_the_chain_does_not_depend_on_the_threads(rule):
    kw = dict(rule=rule, blocks=3, sync_every=3, seed=5, burn_in=7)
    a = threaded_chain(SHAPE, 0.44, 30, threads=1, **kw)
    b = threaded_chain(SHAPE, 0.44, 30, threads=2, **kw)
    c = threaded_chain(SHAPE, 0.44, 30, threads=3, **kw)
    for x, y in ((a, b), (a, c)):
        np.testing.assert_array_equal(x[0], y[0])
        np.testing.assert_array_equal(x[1], y[1])
    # another seed or strip count is another chain
    d = threaded_chain(SHAPE, 0.44, 30, threads=1, **{**kw, "blocks": 2})
    assert not np.array_equal(a[0], d[0])


def test_heatbath_thresholds():
    K = 0.3
    thr = heatbath_thresholds(K)
    assert thr[2] == np.uint64(1 << 63)  # no field: up with probability 1/2 exactly
    for n in range(5):
        p = 1.0 / (1.0 + math.exp(-2.0 * K * (4 - 2 * n)))
        assert abs(int(thr[n]) / 2.0**64 - p) < 1e-15
    # the up-probabilities of n and 4 - n down neighbours add to one (floor of both)
    assert 2**64 - 1 <= int(thr[0]) + int(thr[4]) <= 2**64
    assert 2**64 - 1 <= int(thr[1]) + int(thr[3]) <= 2**64
    assert heatbath_thresholds(1e9)[0] == np.uint64(2**64 - 1)  # T = 0: p rounds below 1


# Above T_c: below it a 16 x 128 torus carries walls across its short side
# (free energy ~ 2 x 16 x 0.46 J at T = 2) whose slow diffusion no local
# dynamics equilibrates in a few thousand sweeps, from any start.
@pytest.mark.parametrize(
    ("rule", "T", "sync_every"),
    [("metropolis", 3.0, 1), ("metropolis", 2.6, 4), ("heatbath", 3.0, 4), ("heatbath", 2.6, 1)],
)
def test_two_strips_on_two_threads_match_kaufman(rule, T, sync_every):
    z = exact_z_scores(
        [
            threaded_chain(
                SHAPE,
                1.0 / T,
                6000,
                rule=rule,
                blocks=2,
                threads=2,
                sync_every=sync_every,
                seed=seed,
                burn_in=300,
            )
            for seed in range(4)
        ],
        SHAPE,
        T,
    )
    # 8 z-scores (4 seeds x energy, specific heat): chi-square with 8 dof, p > 1e-4
    assert stats.chi2.sf(np.sum(z**2), z.size) > 1e-4, z
    assert np.max(np.abs(z)) < 4.5, z


@pytest.mark.parametrize("T", [2.6, 3.0])
def test_sampler_heatbath_msc_matches_kaufman(T):
    sampler = Sampler(square_ising(*SHAPE), heatbath("msc"))
    state = sampler.sweep(sampler.init_state([1.0 / T], seed=2, replicas_per_beta=4), 300)
    _, s = sampler.sample(state, 6000)
    z = exact_z_scores(zip(s.energy, s.magnetization, strict=True), SHAPE, T)
    assert stats.chi2.sf(np.sum(z**2), z.size) > 1e-4, z
    assert np.max(np.abs(z)) < 4.5, z


def test_sampler_heatbath_msc_needs_a_packable_lattice():
    with pytest.raises(InputError, match="128"):
        Sampler(square_ising(8, 96), heatbath("msc")).sweep(
            Sampler(square_ising(8, 96), heatbath("msc")).init_state([0.4]), 1
        )


def test_bad_input():
    with pytest.raises(InputError, match="128"):
        threaded_chain((16, 96), 0.4, 2)
    with pytest.raises(InputError, match="blocks"):
        threaded_chain(SHAPE, 0.4, 2, blocks=5)  # strips of 3 rows
    with pytest.raises(InputError, match="threads"):
        threaded_chain(SHAPE, 0.4, 2, blocks=2, threads=3)
    with pytest.raises(InputError, match="rule"):
        threaded_chain(SHAPE, 0.4, 2, rule="wolff")
    with pytest.raises(InputError, match="beta"):
        threaded_chain(SHAPE, -0.4, 2)


def test_the_thread_kernels_release_the_gil():
    from isingformer.physics.ising.msc_tempering import replica_sweeps
    from isingformer.physics.ising.msc_threads import sweep_interiors

    assert sweep_interiors.targetoptions["nogil"]
    assert replica_sweeps.targetoptions["nogil"]


@pytest.mark.regression
def test_wall_free_energy_of_the_docs():
    # docs/ising.md: a wall across the 16-row side costs ~ 16 x 0.46 J of free energy
    # at T = 2 (Onsager's interface tension 2J + T ln tanh(J/T))
    T = 2.0
    sigma = 2.0 + T * math.log(math.tanh(1.0 / T))
    assert abs(sigma - 0.46) < 0.005


def test_threaded_sweeps_bad_input():
    from isingformer.physics.ising.msc_threads import threaded_sweeps

    P = np.zeros((2, 16, 1), dtype=np.uint64)
    with pytest.raises(InputError, match="streams"):
        threaded_sweeps(P, np.zeros((3, 4), dtype=np.uint64), "metropolis", 0.4, 1)
    with pytest.raises(InputError, match="sync_every"):
        threaded_sweeps(P, np.ones((4, 4), dtype=np.uint64), "metropolis", 0.4, 1, sync_every=0)
