"""SK model, parallel tempering and annealing against exact enumeration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import softmax

from isingformer.errors import InputError
from isingformer.physics.glass.annealing import simulated_annealing
from isingformer.physics.glass.spinglass import (
    PARISI_E_INF,
    adaptive_ladder,
    brute_force_ground_state,
    exact_spectrum,
    exact_thermodynamics,
    extrapolate_ground_state,
    geometric_ladder,
    ising_energy,
    parallel_tempering,
    rs_overlap,
    sk_couplings,
    sk_ground_state,
)


def test_couplings_statistics():
    J = sk_couplings(400, 3)
    assert np.allclose(J, J.T) and np.all(np.diag(J) == 0)
    off = J[np.triu_indices(400, 1)]
    # variance 1/N with ~80k samples: relative error ~0.5 %
    assert abs(off.var() * 400 - 1.0) < 0.03
    assert abs(off.mean()) < 5 / math.sqrt(off.size) / 20


def test_spectrum_matches_direct_energy():
    rng = np.random.default_rng(0)
    J = sk_couplings(8, rng)
    h = rng.normal(size=8)
    e = exact_spectrum(J, h)
    for k in rng.integers(0, 256, size=10):
        s = 1 - 2 * ((k >> np.arange(8)) & 1)
        assert e[k] == pytest.approx(ising_energy(J, s, h), abs=1e-12)
    # Z2 symmetry without a field
    e0 = exact_spectrum(J)
    assert np.allclose(np.sort(e0), np.sort(e0[::-1]))


@pytest.mark.parametrize("seed", range(5))
def test_pt_and_annealing_find_exact_ground_state(seed):
    J = sk_couplings(14, seed)
    e0, _ = brute_force_ground_state(J)
    pt = parallel_tempering(J, geometric_ladder(0.2, 1.6, 10), n_sweeps=400, n_chains=2, seed=seed)
    assert pt.best_energy.min() == pytest.approx(e0, abs=1e-9)
    # the recorded best state really has that energy
    k = int(np.argmin(pt.best_energy))
    assert ising_energy(J, pt.best_state[k]) == pytest.approx(pt.best_energy[k], abs=1e-9)
    sa = simulated_annealing(J, n_steps=300, restarts=3, seed=seed)
    assert sa.energy == pytest.approx(e0, abs=1e-9)


def test_incremental_energies_do_not_drift():
    J = sk_couplings(40, 1)
    pt = parallel_tempering(J, geometric_ladder(0.3, 2.0, 6), n_sweeps=500, record_every=1, seed=1)
    # the last recorded energies belong to the final states
    final = ising_energy(J, pt.final_state)
    assert np.allclose(final, pt.energies[-1], atol=1e-9)


def _pt_energy_chi2(J, betas, seed, beta_check=None, n_bins=8):
    """Chi-square of PT energy samples at every β vs exact Boltzmann weights."""
    spectrum = exact_spectrum(J)
    res = parallel_tempering(
        J, betas, n_sweeps=12000, burn_in=500, record_every=10, n_chains=1, seed=seed
    )
    chi2, dof = 0.0, 0
    for r, beta in enumerate(betas):
        b = beta if beta_check is None else beta_check[r]
        p_state = softmax(-b * spectrum)
        # bins of equal probability mass under the exact distribution
        order = np.argsort(spectrum)
        cum = np.cumsum(p_state[order])
        cuts = [
            spectrum[order][np.searchsorted(cum, q)] for q in np.linspace(0, 1, n_bins + 1)[1:-1]
        ]
        edges = np.concatenate([[-np.inf], np.unique(cuts) + 1e-9, [np.inf]])
        expected = np.histogram(spectrum, bins=edges, weights=p_state)[0]
        observed = np.histogram(res.energies[:, 0, r], bins=edges)[0]
        keep = expected > 0
        n = observed.sum()
        chi2 += float(np.sum((observed[keep] - n * expected[keep]) ** 2 / (n * expected[keep])))
        dof += int(keep.sum()) - 1
    return chi2, dof


def test_pt_samples_the_exact_boltzmann_distribution():
    J = sk_couplings(10, 11)
    betas = geometric_ladder(0.4, 2.0, 6)
    chi2, dof = 0.0, 0
    for seed in range(4):  # combine seeds: sum of chi-squares
        c, d = _pt_energy_chi2(J, betas, seed)
        chi2, dof = chi2 + c, dof + d
    p = stats.chi2.sf(chi2, dof)
    assert p > 1e-3, (chi2, dof)


def test_chi_square_detects_a_wrong_temperature():
    # the same test has power: samples compared against β off by 25 % fail
    J = sk_couplings(10, 11)
    betas = geometric_ladder(0.4, 2.0, 6)
    chi2, dof = _pt_energy_chi2(J, betas, 0, beta_check=betas * 1.25)
    assert stats.chi2.sf(chi2, dof) < 1e-6


def test_pt_mean_energy_matches_ensemble_core():
    J = sk_couplings(12, 5)
    betas = geometric_ladder(0.3, 1.5, 6)
    exact = exact_thermodynamics(J, betas).energy.numpy()
    z = []
    for seed in range(4):
        res = parallel_tempering(J, betas, n_sweeps=6000, record_every=5, seed=seed)
        e = res.energies[:, 0, :]
        # batch means for the error (20 batches)
        batches = e[: len(e) // 20 * 20].reshape(20, -1, len(betas)).mean(1)
        z.append((e.mean(0) - exact) / (batches.std(0, ddof=1) / math.sqrt(20)))
    z = np.concatenate(z)
    assert np.all(np.abs(z) < 4.5), z
    assert abs(z.mean()) < 4.0 / math.sqrt(z.size) * 2


def test_adaptive_ladder_equalizes_acceptance():
    J = sk_couplings(48, 2)
    geo = geometric_ladder(0.25, 3.0, 8)
    lad = adaptive_ladder(J, 0.25, 3.0, 8, rounds=4, pilot_sweeps=400, seed=0)
    assert lad.betas[0] == pytest.approx(geo[0]) and lad.betas[-1] == pytest.approx(geo[-1])
    assert np.all(np.diff(lad.betas) > 0)
    a_geo = parallel_tempering(J, geo, n_sweeps=3000, seed=9).acceptance
    a_ad = parallel_tempering(J, lad.betas, n_sweeps=3000, seed=9).acceptance
    assert a_ad.min() > a_geo.min()
    assert np.ptp(a_ad) < np.ptp(a_geo)


def test_sk_ground_state_methods_agree_on_small_n():
    pt = sk_ground_state(16, 0, 0, sweeps=300)
    sa = sk_ground_state(16, 0, 0, method="anneal", sweeps=300)
    ad = sk_ground_state(16, 0, 0, sweeps=300, ladder="adaptive")
    J = sk_couplings(16, np.random.default_rng([0, 16, 0]))
    e0 = brute_force_ground_state(J)[0] / 16
    assert pt["e0"] == pytest.approx(e0) and sa["e0"] == pytest.approx(e0)
    assert ad["e0"] == pytest.approx(e0)
    assert pt["agree"] and len(pt["acceptance"]) == 19


def test_extrapolation_recovers_synthetic_limit():
    sizes = np.array([32, 64, 128, 256])
    e = -0.76 + 0.7 * sizes ** (-2 / 3)
    fit = extrapolate_ground_state(sizes, e, np.full(4, 1e-4))
    assert fit["e_inf"] == pytest.approx(-0.76, abs=1e-6)
    assert fit["parisi"] == PARISI_E_INF


def test_rs_overlap():
    from scipy.integrate import quad

    assert rs_overlap(1.2) == 0.0
    q = rs_overlap(0.5)
    assert rs_overlap(0.95) < 0.15 < q < rs_overlap(0.1)
    # the fixed point, checked by an independent integral over z (mpmath at
    # 30 digits agrees with rs_overlap(0.5) to 1e-16; 121-point Gauss-Hermite
    # is off by 3e-9 there and by 0.035 at T = 0.1)
    for t in (0.5, 0.2, 0.1, 0.03):
        qt = rs_overlap(t)
        a = np.sqrt(qt) / t
        rhs = quad(
            lambda x, a=a: np.exp(-x * x / 2) * np.tanh(a * x) ** 2 / np.sqrt(2 * np.pi),
            -np.inf,
            np.inf,
            points=None,
            epsabs=1e-13,
        )[0]
        assert qt == pytest.approx(rhs, abs=1e-9), t


def test_rs_overlap_near_zero_and_near_one_temperature():
    """q → 1 − sqrt(2/π)·T as T → 0 (the old quadrature stuck at 0.886), and
    q grows linearly in 1 − T just below the transition at T = 1."""
    for t in (1e-2, 1e-3, 1e-4):
        assert 1 - rs_overlap(t) == pytest.approx(np.sqrt(2 / np.pi) * t, rel=3 * t)
    q1, q2 = rs_overlap(0.99), rs_overlap(0.98)
    assert 0 < q1 < q2 < 0.1
    assert q2 / q1 == pytest.approx(2.0, rel=0.05)  # q ∝ (1 − T) at the transition


def test_bad_input():
    with pytest.raises(InputError):
        sk_couplings(1)
    with pytest.raises(InputError):
        geometric_ladder(2.0, 1.0, 5)
    with pytest.raises(InputError):
        parallel_tempering(np.ones((3, 3)), [1.0, 2.0])
    with pytest.raises(InputError):
        exact_spectrum(np.zeros((30, 30)))
    with pytest.raises(InputError):
        sk_ground_state(8, method="magic")


@pytest.mark.parametrize("n", [7, 16, 32, 128, 257])
def test_overlap_bins_are_symmetric_and_never_empty_by_construction(n):
    from isingformer.physics.glass.spinglass import overlap_bins

    edges = overlap_bins(n, 41)
    assert np.allclose(edges, -edges[::-1])
    allowed = -1 + 2 * np.arange(n + 1) / n
    counts = np.histogram(allowed, bins=edges)[0]
    assert counts.sum() == n + 1 and np.all(counts >= 1)
    assert not np.any(np.isclose(allowed[:, None], edges[None, :]))


@pytest.mark.slow
def test_extrapolated_ground_state_energy_is_near_parisi():
    from isingformer.physics.glass.spinglass import RS_E_INF, sk_study

    r = sk_study([32, 64, 128], samples=40, seed=3, executor="serial", progress=False)
    assert all(p["agree_fraction"] >= 0.95 for p in r["points"])
    assert RS_E_INF < r["e_inf"] < -0.70
    assert abs(r["z_vs_parisi"]) < 4
