"""Primon gas: certified values against REFERENCES.md, mpmath, the Hagedorn
asymptotics, the fermionic relation and the generic ensemble core."""

import math

import mpmath
import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.numbers import (
    fermionic_primon,
    hagedorn_asymptotics,
    primon,
    truncated_primon,
    zeta_modulus_line,
)


def test_reference_values_at_beta_2():
    p = primon(2.0)
    # REFERENCES.md (12 significant digits): Z, <E>/E0, Var(E)/E0^2 at βE0 = 2
    assert math.exp(p.log_z) == pytest.approx(1.64493406685, abs=6e-12)
    assert p.energy == pytest.approx(0.569960993095, abs=6e-13)
    assert p.var_energy == pytest.approx(0.884481833964, abs=6e-13)
    assert p.heat_capacity == pytest.approx(4 * p.var_energy, rel=1e-15)
    assert p.entropy == pytest.approx(p.log_z + 2 * p.energy, rel=1e-15)
    assert max(p.log_z_radius, p.energy_radius, p.heat_capacity_radius) < 1e-14


@pytest.mark.parametrize(("beta", "e0"), [(3.0, 0.7), (1.5, 1.0), (5.0, 2.0)])
def test_matches_mpmath_within_radius(beta, e0):
    p = primon(beta, e0)
    with mpmath.workdps(40):
        s = mpmath.mpf(beta) * e0
        z, z1, z2 = mpmath.zeta(s), mpmath.zeta(s, 1, 1), mpmath.zeta(s, 1, 2)
        log_z = mpmath.log(z)
        energy = -e0 * z1 / z
        var = e0**2 * (z2 / z - (z1 / z) ** 2)
    assert abs(p.log_z - float(log_z)) <= p.log_z_radius + 1e-300
    assert abs(p.energy - float(energy)) <= p.energy_radius
    assert abs(p.var_energy - float(var)) <= p.var_energy_radius


@pytest.mark.parametrize("eps", [1e-2, 1e-3, 1e-4])
def test_hagedorn_divergence(eps):
    p = primon(1 + eps)
    a = hagedorn_asymptotics(1 + eps)
    # ζ(s) = 1/ε + γ − γ_1 ε + …  ⇒  U = 1/ε − γ + O(ε) with |O(ε)| < ε
    assert abs(p.energy - a["energy"]) < eps
    assert p.energy * eps == pytest.approx(1.0, abs=2 * eps)
    assert p.heat_capacity * eps**2 == pytest.approx(1.0, abs=3 * eps)


@pytest.mark.parametrize("beta", [1.0, 0.5, -2.0, float("nan")])
def test_bosonic_gas_rejects_beta_at_or_below_hagedorn(beta):
    with pytest.raises(InputError):
        primon(beta)


def _mobius(n_max: int) -> np.ndarray:
    mu = np.ones(n_max + 1, dtype=np.int64)
    is_comp = np.zeros(n_max + 1, dtype=bool)
    for p in range(2, n_max + 1):
        if not is_comp[p]:
            is_comp[2 * p :: p] = True
            mu[p::p] *= -1
            mu[p * p :: p * p] = 0
    mu[0] = 0
    return mu


def test_fermionic_gas_free_energy_relation_and_mobius_sums():
    b = 2.5
    f, b1, b2 = fermionic_primon(b), primon(b), primon(2 * b)
    rad = f.free_energy_radius + b1.free_energy_radius + 2 * b2.free_energy_radius
    assert abs(f.free_energy - (b1.free_energy - 2 * b2.free_energy)) <= rad + 1e-15
    mu = _mobius(20000)
    n = np.arange(1, 20001, dtype=np.float64)
    s = b
    tail = 20000 ** (1 - s) / (s - 1)  # Σ_{n>N} n^(-s) bounds both tails
    z_f = float(np.sum(np.abs(mu[1:]) * n**-s))
    assert z_f <= math.exp(f.log_z) <= z_f + tail
    # weight (−1)^F = μ(n): Σ μ(n) n^(−s) = 1/ζ(s)
    assert abs(float(np.sum(mu[1:] * n**-s)) - math.exp(-b1.log_z)) <= tail


def test_generic_ensemble_core_on_truncated_spectrum_agrees_within_tail_bound():
    beta, n = 2.0, 100_000
    t = truncated_primon(beta, n)
    p = primon(beta)
    z_n = math.exp(t["log_z"])
    assert 0 <= math.exp(p.log_z) - z_n <= t["z_tail"] + 1e-12
    bound = (t["e_tail"] + t["energy"] * t["z_tail"]) / z_n
    assert abs(p.energy - t["energy"]) <= bound + 1e-12
    assert bound < 5e-4  # the check is not vacuous


def test_zeta_zero_is_a_zero_of_the_continued_partition_function():
    first = 14.134725141734693790457
    on = zeta_modulus_line(0.5, [first, first + 1.0])
    assert on[0] < 1e-12 and on[1] > 0.1
    # no zeros for Re β E0 > 1: |ζ(σ+it)| ≥ ζ(2σ)/ζ(σ)
    line = zeta_modulus_line(2.0, np.linspace(0, 50, 101))
    assert min(line) >= float(mpmath.zeta(4) / mpmath.zeta(2)) - 1e-12
