"""Replica exchange as part of the sampler interface: at every temperature of the
ladder the marginal distribution of the states is the exact Boltzmann
distribution (enumeration of tiny systems, chi-square, several seeds)."""

import numpy as np
import pytest
from scipy import stats

from isingformer.errors import InputError
from isingformer.physics import DenseIsingSampler, FunctionSampler, replica_exchange
from isingformer.physics.glass import sk_couplings

P_MIN = 1e-4  # per test; 4 temperatures x 3 seeds x 3 systems: false alarm < 0.4 %


def _states(n: int) -> np.ndarray:
    k = np.arange(2**n)
    return (1 - 2 * ((k[:, None] >> np.arange(n)) & 1)).astype(np.int8)  # [2^n, n]


def _index(s: np.ndarray) -> np.ndarray:
    return (((1 - s.astype(np.int64)) // 2) << np.arange(s.shape[-1])).sum(axis=-1)


def _boltzmann(energies: np.ndarray, beta: float) -> np.ndarray:
    w = np.exp(-beta * (energies - energies.min()))
    return w / w.sum()


def _chi2_p(samples: np.ndarray, p: np.ndarray) -> float:
    """Chi-square p-value of state indices against p, cells with expectation < 5 pooled."""
    n = samples.size
    counts = np.bincount(samples, minlength=p.size)
    big = p * n >= 5
    obs = np.append(counts[big], counts[~big].sum())
    exp = np.append(p[big] * n, p[~big].sum() * n)
    keep = exp > 0
    return float(stats.chisquare(obs[keep], exp[keep]).pvalue)


def _layered_j(seed: int) -> np.ndarray:
    from isingformer.phases.spin import layered_bond_matrix

    rng = np.random.default_rng(seed)
    return 0.8 * layered_bond_matrix([rng.normal(size=(2, 3)), rng.normal(size=(3, 2))])


SYSTEMS = {
    "sk": lambda seed: 1.5 * sk_couplings(6, seed),
    "layered": _layered_j,
}


@pytest.mark.parametrize("system", sorted(SYSTEMS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_marginals_are_boltzmann_at_every_temperature(system, seed):
    J = SYSTEMS[system](seed)
    sampler = DenseIsingSampler(J)
    betas = np.array([0.3, 0.7, 1.2, 2.0])
    # independent chains: their final states are independent samples of each slot
    res = replica_exchange(sampler, betas, n_sweeps=60, n_chains=2000, seed=seed)
    e = sampler.energy_of(_states(J.shape[0]))
    for r, beta in enumerate(betas):
        assert _chi2_p(_index(res.final_spins[:, r]), _boltzmann(e, beta)) > P_MIN, (r, beta)
    assert np.all(res.acceptance > 0.05) and res.traversals > 0
    np.testing.assert_allclose(res.energies[-1], sampler.energy_of(res.final_spins))


def _swap_only_sampler(J: np.ndarray, hot: float):
    """Exact Boltzmann draws at β = hot, nothing at all at every other β: the colder
    slots see new states only through swaps, so their marginals test the swap rule."""
    states = _states(J.shape[0])
    sampler = DenseIsingSampler(J)
    p_hot = _boltzmann(sampler.energy_of(states), hot)

    def sweep(x, beta, rng):
        return states[rng.choice(p_hot.size, p=p_hot)] if beta == hot else x

    return FunctionSampler(
        lambda x: float(sampler.energy_of(x)), sweep, lambda rng: states[rng.integers(len(states))]
    ), sampler.energy_of(states)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_swaps_alone_carry_the_exact_distribution_down_the_ladder(seed):
    J = 1.2 * sk_couplings(4, seed + 10)
    betas = np.array([0.2, 0.6, 1.0])
    sampler, e = _swap_only_sampler(J, betas[0])
    res = replica_exchange(sampler, betas, n_sweeps=80, n_chains=400, seed=seed)
    for r, beta in enumerate(betas):
        assert _chi2_p(_index(res.final_spins[:, r]), _boltzmann(e, beta)) > P_MIN, (r, beta)
    # the test has power: the coldest slot is not distributed as the hot one
    assert _chi2_p(_index(res.final_spins[:, -1]), _boltzmann(e, betas[0])) < P_MIN


def test_overlaps_and_observe_are_recorded_by_slot():
    J = sk_couplings(10, 3)
    sampler = DenseIsingSampler(J)
    res = replica_exchange(
        sampler, [0.5, 1.0], n_sweeps=40, n_chains=3, burn_in=0, record_every=2,
        swap_every=2, observe=lambda s, e: np.abs(s.mean(axis=-1)), seed=0,
    )  # fmt: skip
    assert res.energies.shape == (20, 3, 2) and res.overlaps.shape == (20, 2)
    assert res.observed.shape == (20, 3, 2) and np.all(np.abs(res.overlaps) <= 1)
    again = replica_exchange(
        sampler, [0.5, 1.0], n_sweeps=40, n_chains=3, burn_in=0, record_every=2,
        swap_every=2, seed=0,
    )  # fmt: skip
    np.testing.assert_array_equal(res.energies, again.energies)  # same seed, same run


def test_bad_input():
    J = sk_couplings(5, 0)
    with pytest.raises(InputError):
        replica_exchange(DenseIsingSampler(J), [1.0, 0.5])
    with pytest.raises(InputError):
        replica_exchange(DenseIsingSampler(J), [0.5, 1.0], n_sweeps=10, burn_in=10)
    with pytest.raises(InputError):
        DenseIsingSampler(J + np.eye(5))
