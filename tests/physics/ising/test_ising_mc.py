"""Monte Carlo against exact answers, statistically (z-scores over seeds, chi-square)."""

import numpy as np
import pytest
from scipy import stats

from isingformer.physics import (
    IsingHamiltonian,
    Sampler,
    density_of_states,
    heatbath,
    ising_estimates,
    metropolis,
    square_ising,
    torus_thermodynamics,
    wolff,
)

RULES = {
    "metropolis-msc": (metropolis("msc"), (16, 128), 6000),
    "metropolis-numba": (metropolis("numba"), (8, 8), 12000),
    "metropolis-torch": (metropolis("torch"), (8, 8), 3000),
    "heatbath-numba": (heatbath(), (8, 8), 12000),
    "heatbath-torch": (heatbath("torch"), (8, 8), 3000),
    "wolff": (wolff(), (8, 8), 12000),
}


def _zscores(rule, shape, sweeps, T, seeds=4):
    model = square_ising(*shape)
    exact = torus_thermodynamics(shape[0], shape[1], [T])
    sampler = Sampler(model, rule)
    # independent replicas (one stream each), ordered start
    state = sampler.init_state([1.0 / T], seed=11, replicas_per_beta=seeds)
    state = sampler.sweep(state, 300)
    state, s = sampler.sample(state, sweeps)
    z = []
    for r in range(seeds):
        est = ising_estimates(s.energy[r], s.magnetization[r], 1.0 / T, model.n_spins, burn_in=0)
        e, c = est["energy_per_spin"], est["specific_heat"]
        z.append((e.mean - exact.energy_per_spin[0]) / e.err)
        z.append((c.mean - exact.specific_heat_per_spin[0]) / c.err)
    return np.array(z)


@pytest.mark.parametrize("name", list(RULES))
@pytest.mark.parametrize("T", [2.0, 3.0])
def test_energy_and_specific_heat_match_kaufman(name, T):
    rule, shape, sweeps = RULES[name]
    z = _zscores(rule, shape, sweeps, T)
    # 8 z-scores: chi-square with 8 dof, p > 1e-4, and no single |z| > 4.5
    assert stats.chi2.sf(np.sum(z**2), z.size) > 1e-4, z
    assert np.max(np.abs(z)) < 4.5, z


def _exact_probs(ham, beta):
    dos = density_of_states(ham)
    logw = np.log(dos.counts) - beta * dos.energies
    p = np.exp(logw - logw.max())
    return dos, p / p.sum()


@pytest.mark.parametrize("name", ["metropolis", "heatbath", "wolff"])
def test_sampled_histograms_match_boltzmann(name):
    rng = np.random.default_rng(5)
    n = 6
    J = np.triu(rng.uniform(0.1, 1.0, size=(n, n)), 1)
    J = J + J.T
    h = np.zeros(n) if name == "wolff" else rng.normal(0, 0.5, size=n)
    ham = IsingHamiltonian.from_couplings(J, h)
    beta = 0.6
    dos, p = _exact_probs(ham, beta)
    rule = {"metropolis": metropolis("numba"), "heatbath": heatbath(), "wolff": wolff()}[name]
    sampler = Sampler(ham, rule)
    chi2_total, dof_total = 0.0, 0
    for seed in range(4):  # repeats
        state = sampler.init_state([beta], seed=seed, start="random", replicas_per_beta=3000)
        # 40 sweeps, one measurement per replica: independent draws
        _, s = sampler.sample(state, 40, measure_every=40)
        e = s.energy[:, 0]
        m = s.magnetization[:, 0]
        # map each draw to its (E, M) level
        key = np.round(e, 6) * 1000 + m
        lev = np.round(dos.energies, 6) * 1000 + dos.magnetizations
        order = np.argsort(lev)
        idx = order[np.searchsorted(lev[order], key)]
        assert np.allclose(lev[idx], key)
        counts = np.bincount(idx, minlength=p.size)
        expected = p * e.size
        keep = expected >= 5
        obs = np.append(counts[keep], counts[~keep].sum())
        exp_ = np.append(expected[keep], expected[~keep].sum())
        chi2_total += np.sum((obs - exp_) ** 2 / np.maximum(exp_, 1e-12))
        dof_total += obs.size - 1
    assert stats.chi2.sf(chi2_total, dof_total) > 1e-4, (chi2_total, dof_total)


def test_replicas_at_many_temperatures():
    model = square_ising(8)
    T = np.array([1.8, 2.3, 3.2])
    sampler = Sampler(model, wolff())
    state = sampler.sweep(sampler.init_state(1 / T, seed=2), 200)
    state, s = sampler.sample(state, 6000)
    exact = torus_thermodynamics(8, 8, T).energy_per_spin
    for r in range(3):
        est = ising_estimates(s.energy[r], s.magnetization[r], 1 / T[r], 64, burn_in=0)
        assert abs(est["energy_per_spin"].mean - exact[r]) < 5 * est["energy_per_spin"].err
