"""Exact solutions checked against each other: enumeration, Kaufman, Onsager."""

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.physics import (
    IsingHamiltonian,
    density_of_states,
    enumerate_exact,
    square_ising,
    torus_thermodynamics,
)
from isingformer.physics.ising import onsager

TC = onsager.CRITICAL_TEMPERATURE
TEMPS = np.array([0.8, 1.5, 2.0, TC, 2.5, 3.5, 10.0])


@pytest.mark.parametrize("L,M", [(4, 4), (4, 5), (3, 6)])
def test_kaufman_equals_enumeration(L, M):
    ex = enumerate_exact(square_ising(L, M), 1.0 / TEMPS)
    k = torus_thermodynamics(L, M, TEMPS)
    n = L * M
    np.testing.assert_allclose(k.log_z_per_spin, ex.log_z / n, rtol=1e-12)
    np.testing.assert_allclose(k.energy_per_spin, ex.energy_per_spin, rtol=1e-12)
    np.testing.assert_allclose(k.specific_heat_per_spin, ex.specific_heat_per_spin, rtol=1e-12)


def test_kaufman_is_symmetric_and_low_t_needs_signed_gamma0():
    a = torus_thermodynamics(3, 6, [1.2]).log_z_per_spin
    b = torus_thermodynamics(6, 3, [1.2]).log_z_per_spin
    np.testing.assert_allclose(a, b, rtol=1e-14)
    # deep in the ordered phase ln Z/N -> 2K (ground state, degeneracy 2)
    low = torus_thermodynamics(8, 8, [0.25]).log_z_per_spin[0]
    assert low == pytest.approx(2 / 0.25 + math.log(2) / 64, rel=1e-9)


def test_density_of_states_4x4():
    dos = density_of_states(square_ising(4))
    g: dict[int, float] = {}
    for e, c in zip(dos.energies, dos.counts, strict=True):
        g[round(e)] = g.get(round(e), 0) + c
    expected = {32: 2, 24: 32, 20: 64, 16: 424, 12: 1728, 8: 6688, 4: 13568}
    for e, c in expected.items():
        assert g[e] == c and g[-e] == c
    assert g[0] == 20524
    assert sum(g.values()) == 2**16


def test_binder_4x4_at_kc():
    ex = enumerate_exact(square_ising(4), [onsager.CRITICAL_COUPLING])
    assert ex.binder[0] == pytest.approx(0.61720, abs=5e-6)


def test_l16_reference_values():
    k = torus_thermodynamics(16, 16, [TC])
    assert k.log_z_per_spin[0] == pytest.approx(0.9321963149809878, rel=1e-14)
    assert k.energy_per_spin[0] == pytest.approx(-1.453064852813, rel=1e-12)
    assert k.specific_heat_per_spin[0] == pytest.approx(1.498705, abs=1e-6)


def test_enumeration_matches_brute_force_for_any_couplings_and_ensemble_core():
    from isingformer.ensemble import thermodynamics

    rng = np.random.default_rng(3)
    n = 9
    J = np.triu(rng.normal(size=(n, n)), 1)
    J = J + J.T
    h = rng.normal(size=n)
    ham = IsingHamiltonian.from_couplings(J, h)
    idx = np.arange(2**n)
    s = 1 - 2 * ((idx[:, None] >> np.arange(n)) & 1)
    E = ham.energy(s)
    np.testing.assert_allclose(E, -0.5 * np.einsum("bi,ij,bj->b", s, J, s) - s @ h)
    betas = np.array([0.1, 0.7, 2.0])
    ex = enumerate_exact(ham, betas)
    core = thermodynamics(E, betas)
    np.testing.assert_allclose(ex.log_z, core.log_z.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ex.energy_per_spin * n, core.energy.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ex.specific_heat_per_spin * n, core.heat_capacity.numpy(), rtol=1e-9)
    m = s.mean(axis=1)
    for k, b in enumerate(betas):
        w = np.exp(-b * (E - E.min()))
        w /= w.sum()
        assert ex.abs_magnetization[k] == pytest.approx(w @ np.abs(m), rel=1e-10)
        assert ex.m4[k] == pytest.approx(w @ m**4, rel=1e-10)


def test_sparse_and_dense_couplings_agree():
    ham = square_ising(3, 4, J=0.7, h=0.2)
    dense = IsingHamiltonian.from_couplings(ham.couplings.toarray(), ham.field)
    a = enumerate_exact(ham, [0.5]).log_z
    b = enumerate_exact(dense, [0.5]).log_z
    np.testing.assert_allclose(a, b, rtol=1e-13)


def test_onsager_known_values():
    assert pytest.approx(2.2691853142130219681, rel=1e-15) == TC
    assert onsager.energy([TC])[0] == pytest.approx(-math.sqrt(2), rel=1e-12)
    assert onsager.log_z_per_spin([TC])[0] == pytest.approx(0.92969539834161, rel=1e-12)
    T = np.array([1.0, 1.8, 2.2, 2.35, 3.0, 5.0])
    h = 1e-5
    du = (onsager.energy(T + h) - onsager.energy(T - h)) / (2 * h)
    np.testing.assert_allclose(onsager.specific_heat(T), du, rtol=1e-6)
    # u = d(beta f)/d beta
    beta = 1 / T
    bf = lambda b: onsager.free_energy(1 / b) * b  # noqa: E731
    np.testing.assert_allclose(
        (bf(beta + h) - bf(beta - h)) / (2 * h), onsager.energy(T), rtol=1e-6
    )
    m = onsager.spontaneous_magnetization([1.0, 2.0, 2.26, 2.3])
    assert m[0] == pytest.approx(0.99927575, rel=1e-6) and m[3] == 0.0 and m[2] > 0


def test_large_torus_approaches_onsager_away_from_tc():
    T = np.array([1.5, 2.0, 2.6, 3.5])
    k = torus_thermodynamics(128, 128, T)
    np.testing.assert_allclose(k.energy_per_spin, onsager.energy(T), rtol=1e-8)
    np.testing.assert_allclose(k.specific_heat_per_spin, onsager.specific_heat(T), rtol=1e-6)
    # below T_c the torus has two ordered states: ln Z/N carries an extra ln 2 / N
    extra = np.where(T < TC, math.log(2) / 128**2, 0.0)
    np.testing.assert_allclose(k.log_z_per_spin - extra, onsager.log_z_per_spin(T), rtol=1e-10)


def test_bad_input():
    with pytest.raises(InputError):
        torus_thermodynamics(4, 4, [0.0])
    with pytest.raises(InputError):
        enumerate_exact(square_ising(6), [1.0])  # 36 spins
    with pytest.raises(InputError):
        IsingHamiltonian.from_couplings(np.array([[0, 1], [2, 0]]))


def test_state_energies_match_direct_evaluation():
    """The Gray-code walk's energies, re-indexed by state, equal H(s) computed
    directly for every state (random couplings and field)."""
    import numpy as np

    from isingformer.physics import IsingHamiltonian, state_energies

    rng = np.random.default_rng(3)
    n = 7
    J = np.triu(rng.normal(size=(n, n)), 1)
    J = J + J.T
    h = rng.normal(size=n)
    k = np.arange(2**n)
    s = 1.0 - 2.0 * ((k[:, None] >> np.arange(n)) & 1)  # state k: s_i = 1 - 2 bit_i(k)
    direct = -0.5 * np.einsum("ki,ij,kj->k", s, J, s) - s @ h
    np.testing.assert_allclose(
        state_energies(IsingHamiltonian.from_couplings(J, h)), direct, rtol=1e-12, atol=1e-12
    )
