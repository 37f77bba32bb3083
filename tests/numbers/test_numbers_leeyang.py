"""Exact Ising polynomials and certified Lee–Yang / Fisher zeros."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.numbers import (
    fisher_polynomial,
    fisher_zeros,
    graph_table,
    lee_yang,
    lee_yang_polynomial,
    ring_polynomial,
    ring_zero_angles,
    spin_glass_lee_yang,
    torus_edges,
    torus_table,
)
from isingformer.physics import torus_log_z

TC = 2 / math.log(1 + math.sqrt(2))


@pytest.mark.parametrize("size", [2, 3, 4])
def test_torus_transfer_matrix_equals_enumeration(size):
    g = torus_table(size)
    e, offset = graph_table(size * size, torus_edges(size))
    assert offset == 0
    padded = np.zeros_like(g)
    padded[:, : e.shape[1]] = e
    assert np.array_equal(g, padded)


@pytest.mark.parametrize("size", [5, 6])
def test_torus_table_counts_symmetry_and_kaufman(size):
    g = torus_table(size)
    n = size * size
    assert g.sum() == 2**n
    assert np.array_equal(g, g[::-1])  # spin flip: k -> N - k
    # h = 0: Z = e^(2NK) Σ_m g_m u^m must equal the Kaufman closed form
    K = mpmath.mpf(1) / mpmath.mpf("2.5")
    with mpmath.workdps(40):
        u = mpmath.exp(-2 * K)
        z = sum(int(c) * u**m for m, c in enumerate(g.sum(axis=0)))
        ln_z = 2 * n * K + mpmath.log(z)
        assert abs(ln_z - torus_log_z(K, size)) < mpmath.mpf(10) ** -25


def test_fisher_polynomial_is_the_reference_4x4_density_of_states():
    ref = {32: 2, 24: 32, 20: 64, 16: 424, 12: 1728, 8: 6688, 4: 13568, 0: 20524}
    coeffs = [int(c) for c in fisher_polynomial(torus_table(4)).coeffs()]
    for energy, count in ref.items():  # E = −32 + 2m for m unsatisfied bonds
        assert coeffs[(32 - energy) // 2] == count
        assert coeffs[(32 + energy) // 2] == count


def test_ring_polynomial_equals_enumeration_and_closed_form_roots():
    n, u = 9, Fraction(1, 3)
    edges = [(i, (i + 1) % n) for i in range(n)]
    g, _ = graph_table(n, edges)
    assert ring_polynomial(n, u) == lee_yang_polynomial(g, u)
    res = lee_yang("ring", 12, 1.5)
    uq = float(Fraction(res["u"]))
    got = np.sort(
        np.mod(np.arctan2([z[1] for z in res["zeros"]], [z[0] for z in res["zeros"]]), 2 * np.pi)
    )
    want = np.sort(
        np.concatenate([ring_zero_angles(12, uq)[:6], 2 * np.pi - ring_zero_angles(12, uq)[:6]])
    )
    assert np.max(np.abs(got - want)) < 1e-12
    assert res["first_zero_angle"] == pytest.approx(ring_zero_angles(12, uq)[0], abs=1e-12)


@pytest.mark.parametrize(
    ("lattice", "size", "temperature"),
    [("ring", 10, 0.7), ("ring", 31, 3.0), ("torus", 3, 1.0), ("torus", 4, TC), ("torus", 5, 4.0)],
)
def test_ferromagnet_zeros_meet_the_unit_circle(lattice, size, temperature):
    r = lee_yang(lattice, size, temperature)
    assert r["on_unit_circle"] is True
    assert r["n_certified_off_circle"] == 0
    assert r["max_radius"] < 1e-10
    assert len(r["zeros"]) == (size if lattice == "ring" else size * size)


@pytest.mark.parametrize(("lattice", "size"), [("ring", 10), ("torus", 4)])
def test_antiferromagnet_zeros_are_proven_off_the_circle(lattice, size):
    r = lee_yang(lattice, size, 1.5, coupling=-1.0)
    assert r["on_unit_circle"] is False
    assert r["n_certified_off_circle"] > 0


def test_spin_glass_zeros_leave_the_circle():
    hits = [spin_glass_lee_yang(3, 1.0, seed=s)["n_certified_off_circle"] for s in range(3)]
    assert max(hits) > 0


def test_first_zero_pinches_the_real_axis_at_tc_but_not_in_1d():
    thetas = [lee_yang("torus", L, TC)["first_zero_angle"] for L in (3, 4, 5)]
    assert thetas[0] > thetas[1] > thetas[2]
    u = math.exp(-2 / 1.5)
    ring = [lee_yang("ring", n, 1.5)["first_zero_angle"] for n in (30, 120)]
    gap = 2 * math.asin(u)  # N → ∞ limit of the ring's first angle
    assert ring[1] > gap and ring[1] - gap < ring[0] - gap


def test_fisher_zero_approaches_the_critical_point():
    d = [fisher_zeros(L)["distance_to_uc"] for L in (3, 4, 5)]
    assert d[0] > d[1] > d[2]


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        (lee_yang, {"lattice": "torus", "size": 9, "temperature": 2.0}),
        (lee_yang, {"lattice": "ring", "size": 1, "temperature": 2.0}),
        (lee_yang, {"lattice": "cube", "size": 3, "temperature": 2.0}),
        (lee_yang, {"lattice": "ring", "size": 5, "temperature": -1.0}),
    ],
)
def test_bad_input(call, kwargs):
    with pytest.raises(InputError):
        call(**kwargs)
