"""Parallel tempering of multi-spin replicas on threads: every temperature's
marginal against Kaufman's torus, and the same chain for any number of threads."""

import numpy as np
import pytest
from scipy import stats

from isingformer.errors import InputError
from isingformer.physics.ising.kaufman import exact_z_scores
from isingformer.physics.ising.msc_tempering import tempering_chain

SHAPE = (16, 128)
TEMPS = np.array([2.5, 2.57, 2.64, 2.71])  # spaced for swap acceptance ~0.3-0.5


def test_the_chain_does_not_depend_on_the_threads():
    runs = [
        tempering_chain(SHAPE, 1 / TEMPS, 40, 2, threads=t, seed=4, burn_in=3) for t in (1, 2, 3)
    ]
    for other in runs[1:]:
        for key in ("energy", "magnetization", "swap_acceptance"):
            np.testing.assert_array_equal(runs[0][key], other[key])
    assert np.all(runs[0]["swap_acceptance"] > 0)  # replicas do move between temperatures


def test_every_temperature_matches_kaufman():
    outs = [
        tempering_chain(SHAPE, 1 / TEMPS, 4000, 2, threads=2, seed=s, burn_in=150) for s in range(3)
    ]
    z = np.concatenate(
        [
            exact_z_scores([(o["energy"][i], o["magnetization"][i]) for o in outs], SHAPE, T)
            for i, T in enumerate(TEMPS)
        ]
    )
    # 24 z-scores (4 temperatures x 3 seeds x energy, specific heat): chi-square, p > 1e-4
    assert stats.chi2.sf(np.sum(z**2), z.size) > 1e-4, z
    assert np.max(np.abs(z)) < 4.5, z


def test_bad_input():
    with pytest.raises(InputError, match="128"):
        tempering_chain((16, 96), [0.4, 0.5], 2)
    with pytest.raises(InputError, match="betas"):
        tempering_chain(SHAPE, [0.4], 2)
    with pytest.raises(InputError, match="betas"):
        tempering_chain(SHAPE, [0.4, -0.5], 2)
    with pytest.raises(InputError, match="threads"):
        tempering_chain(SHAPE, [0.4, 0.5], 2, threads=3)
