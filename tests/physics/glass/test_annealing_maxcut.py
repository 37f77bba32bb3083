"""Simulated annealing on generalized Ising problems and Max-Cut."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from isingformer.errors import InputError
from isingformer.physics.glass.annealing import (
    SCHEDULES,
    annealing_schedule,
    compare_maxcut,
    cut_value,
    greedy_descent,
    maxcut_problem,
    simulated_annealing,
)
from isingformer.physics.glass.spinglass import brute_force_ground_state


@pytest.mark.parametrize("kind", SCHEDULES)
def test_schedules(kind):
    t = annealing_schedule(kind, 3.0, 0.1, 50)
    assert t.shape == (50,) and t[0] == pytest.approx(3.0) and t[-1] == pytest.approx(0.1)
    assert np.all(np.diff(t) <= 1e-12)


def test_explicit_schedule_and_errors():
    assert np.array_equal(annealing_schedule([2.0, 1.0], 0, 0, 0), [2.0, 1.0])
    with pytest.raises(InputError):
        annealing_schedule("cosmic", 1.0, 0.1, 5)
    with pytest.raises(InputError):
        annealing_schedule("linear", 0.1, 1.0, 5)
    with pytest.raises(InputError):
        simulated_annealing(np.array([[0.0, 1.0], [2.0, 0.0]]))


@pytest.mark.parametrize("seed", range(4))
def test_sa_finds_the_exact_max_cut_of_small_graphs(seed):
    g = nx.gnp_random_graph(14, 0.4, seed=seed)
    for u, v in g.edges():
        g[u][v]["weight"] = 1.0 + (u * 7 + v * 3) % 5
    J, nodes = maxcut_problem(g)
    e0, s0 = brute_force_ground_state(J.toarray())
    best_cut = cut_value(g, nodes, s0)
    total = sum(d["weight"] for *_, d in g.edges(data=True))
    assert best_cut == pytest.approx((total - e0) / 2)  # cut = (ΣW − H) / 2
    sa = simulated_annealing(J, t_start=5.0, n_steps=300, restarts=2, seed=seed)
    assert cut_value(g, nodes, sa.state) == pytest.approx(best_cut)


def test_sparse_and_dense_give_the_same_trajectory():
    g = nx.random_regular_graph(3, 30, seed=1)
    J, _ = maxcut_problem(g)
    h = np.linspace(-0.5, 0.5, 30)
    a = simulated_annealing(J, h, n_steps=50, seed=7)
    b = simulated_annealing(J.toarray(), h, n_steps=50, seed=7)
    assert a.energy == pytest.approx(b.energy)
    assert np.array_equal(a.state, b.state)


def test_greedy_reaches_a_local_minimum():
    J, _ = maxcut_problem(nx.random_regular_graph(4, 40, seed=2))
    r = greedy_descent(J, restarts=3, seed=0)
    s = r.state.astype(float)
    assert np.all(s * (J @ s) >= -1e-12)  # no single flip lowers H
    assert len(r.restart_energies) == 3 and r.energy == min(r.restart_energies)


def test_sa_beats_greedy_on_average():
    res = compare_maxcut(60, 3, instances=8, seed=0)
    assert res["sa_mean"] >= res["greedy_mean"]
    assert res["mean_gain"] > 0
    assert res["sa_wins"] + res["ties"] >= 6


def test_field_only_problem():
    h = np.array([1.0, -2.0, 0.5])
    r = simulated_annealing(sp.csr_matrix((3, 3)), h, n_steps=20, seed=0)
    assert np.array_equal(r.state, np.sign(h).astype(np.int8))
    assert r.energy == pytest.approx(-3.5)
