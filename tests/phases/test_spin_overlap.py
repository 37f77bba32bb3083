"""The pattern-free ordering temperature (Binder parameter of the overlap of two
replicas) against the exact finite-N Curie–Weiss answer, on Mattis models whose
pattern the estimator is never told."""

import itertools

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.phases.spin_mc import (
    BINDER_THRESHOLD,
    binder_overlap,
    curie_weiss_overlap,
    overlap_tc,
    spin_mc,
)


def test_curie_weiss_overlap_moments_against_enumeration():
    n, j0 = 10, 1.0
    s = np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.float64)  # [2^N, N]
    mag = s.sum(axis=1)
    q = s @ s.T / n  # overlaps of all pairs of states
    for t in (0.5, 1.0, 2.0):
        w = np.exp(j0 / t * (mag**2 - n) / (2 * n))
        w /= w.sum()
        q2, q4 = curie_weiss_overlap(n, [t], j0)
        assert q2[0] == pytest.approx(w @ q**2 @ w, rel=1e-10)
        assert q4[0] == pytest.approx(w @ q**4 @ w, rel=1e-10)
    q2, q4 = curie_weiss_overlap(400, [1e-3, 1e3])
    g = binder_overlap(q2, q4)
    assert g[0] == pytest.approx(1.0, abs=1e-9)  # ordered: q = ±1
    assert abs(g[1]) < 0.01  # paramagnet: Gaussian q


def test_exact_crossing_tends_to_tc_as_n_to_the_minus_half():
    """docs/phases.md: the exact crossing of g = 1/2 lies below T_c = J0 by
    (1.34, 1.40, 1.49, 1.53) N^-1/2 at N = 200, 400, 1600, 6400."""
    temps = np.linspace(0.8, 1.1, 3001)
    shift = []
    for n in (200, 400, 1600, 6400):
        g = binder_overlap(*curie_weiss_overlap(n, temps, j0=1.0))
        shift.append((1.0 - overlap_tc(temps, g)) * np.sqrt(n))
    assert shift == pytest.approx([1.34, 1.40, 1.49, 1.53], abs=0.006)
    # the same in units of J0: T* scales with J0
    g2 = binder_overlap(*curie_weiss_overlap(400, 1.5 * temps, j0=1.5))
    assert overlap_tc(1.5 * temps, g2) == pytest.approx(1.5 * (1 - 1.403 / 20), abs=0.003)


def test_monte_carlo_crossing_on_mattis_models_matches_the_exact_one():
    """Three Mattis models (N = 200, J0 = 1, random patterns, one Monte Carlo seed
    each, and a 3-seed run on one of them): the estimator is never given the
    pattern, and the exact Curie–Weiss crossing on the same ladder lies in the
    Student-t 95 % interval of the 3-seed mean."""
    n, temps = 200, np.geomspace(0.5, 2.0, 16)
    exact = overlap_tc(temps, binder_overlap(*curie_weiss_overlap(n, temps)))
    assert 0.88 < exact < 0.92  # 1 - 1.34/sqrt(200) = 0.905 on a fine grid
    per_pattern = []
    for seed in (0, 1, 2):
        xi = np.random.default_rng(seed).choice([-1, 1], n)
        J = (np.outer(xi, xi) - np.eye(n)) / n
        wrong = np.ones(n, dtype=np.int8)  # a pattern that sees no order: m ~ N^-1/2
        r = spin_mc(J, temps, t_overlap=0.5, sweeps=300, seeds=(seed,), xi=wrong)
        per_pattern.append(r["tc_overlap"]["value"])
        assert r["tc_overlap"]["ci"] is None and r["tc_overlap"]["n"] == 1
        assert r["magnetization"][0] < 0.2  # the wrong pattern's order parameter is blind
        assert r["binder_overlap"][0] > 0.95 and abs(r["binder_overlap"][-1]) < 0.3
    assert np.all(np.abs(np.array(per_pattern) - exact) < 0.05), (per_pattern, exact)
    r = spin_mc(J, temps, t_overlap=0.5, sweeps=300, seeds=(3, 4, 5))
    t = r["tc_overlap"]
    assert t["n"] == 3 and t["ci"][0] <= exact <= t["ci"][1], (t, exact)
    assert not t["at_edge"] and len(r["overlap_rms"]) == temps.size


def test_overlap_tc_edges_and_bad_input():
    temps = np.array([0.5, 1.0, 1.5])
    assert overlap_tc(temps, np.array([0.2, 0.1, 0.0])) is None  # no order on the ladder
    assert overlap_tc(temps, np.array([1.0, 0.9, 0.8])) == 1.5  # never melts on the ladder
    assert overlap_tc(temps, np.array([1.0, 0.0, 0.0])) == pytest.approx(0.75)
    assert BINDER_THRESHOLD == 0.5
    with pytest.raises(InputError):
        overlap_tc(temps[::-1], np.zeros(3))
    with pytest.raises(InputError):
        curie_weiss_overlap(2, [1.0])
