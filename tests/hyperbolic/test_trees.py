"""Tree data: structure, the growth rate λ, Gromov δ against exact values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.hyperbolic.trees import (
    SEPARATOR,
    gromov_delta,
    random_tree,
    token_graph,
    tree_data,
    tree_stats,
    walk_tokens,
)


def test_walks_follow_the_tree():
    tree = random_tree(3, 4, seed=1)
    toks = walk_tokens(tree, 600, seed=2)
    node_of = {int(t): n for n, t in enumerate(tree.token)}
    walks = toks[: (len(toks) // 6) * 6].reshape(-1, 6)
    assert (walks[:, 0] == tree.token[0]).all() and (walks[:, -1] == SEPARATOR).all()
    for w in walks:
        nodes = [node_of[int(t)] for t in w[:-1]]
        assert [int(tree.depth[n]) for n in nodes] == [0, 1, 2, 3, 4]
        assert all(tree.parent[b] == a for a, b in itertools.pairwise(nodes))


def test_children_are_uniform_chi_square():
    from scipy import stats

    tree = random_tree(4, 1, seed=3)
    toks = walk_tokens(tree, 3 * 8000, seed=4)
    kids = toks.reshape(-1, 3)[:, 1]
    counts = np.bincount(kids, minlength=tree.vocab_size)[tree.token[tree.children[0]]]
    assert stats.chisquare(counts).pvalue > 1e-3


def test_growth_rate_of_a_regular_tree_and_branching_mean():
    # offspring 1 + Binomial(2(b-1), 1/2) has mean b: the mean number of
    # children over a deep tree is b within 4 standard errors
    b = 3
    tree = random_tree(b, 5, seed=5)
    counts = np.array([len(c) for c in tree.children])
    internal = counts[counts > 0]
    se = np.sqrt(2 * (b - 1) * 0.25 / len(internal))
    assert abs(internal.mean() - b) < 4 * se
    st = tree_stats(tree, walk_tokens(tree, 2000))
    levels = np.bincount(tree.depth)
    assert st.growth_rate == pytest.approx(levels[-1] ** (1 / 5))
    assert st.gromov_delta == 0.0  # a tree is 0-hyperbolic


def test_gromov_delta_of_cycles_is_exact():
    # four-point δ: a path is 0-hyperbolic, the cycle C_{4m} has δ = m
    c4 = [[1, 3], [0, 2], [1, 3], [2, 0]]
    assert gromov_delta(c4) == 1.0
    path = [[1], [0, 2], [1, 3], [2]]
    assert gromov_delta(path) == 0.0
    n = 8
    cyc = [[(i - 1) % n, (i + 1) % n] for i in range(n)]
    assert gromov_delta(cyc, n_quads=20000) == 2.0  # C_{4m}: δ = m


def test_token_graph_excludes_the_separator():
    toks = np.array([1, 2, 0, 1, 3, 0], dtype=np.uint16)
    adj = token_graph(toks, 4)
    assert adj[0] == [] and sorted(adj[1]) == [2, 3]


def test_tree_data_splits_and_bad_input():
    data, tree = tree_data(2, 3, 2000, seed=0)
    assert data.vocab_size == tree.n_nodes + 1
    assert int(data.train.max()) < data.vocab_size and len(data.val) >= 200
    with pytest.raises(InputError, match="branching"):
        random_tree(1, 3)
    with pytest.raises(InputError, match="depth"):
        random_tree(2, 0)


def test_euler_tours_traverse_every_edge_twice():
    from isingformer.hyperbolic.trees import euler_tokens

    tree = random_tree(3, 3, seed=6)
    n = tree.n_nodes
    tour_len = 2 * n - 1 + 1  # 2N − 1 tokens, then the separator
    toks = euler_tokens(tree, 3 * tour_len, seed=7)
    node_of = {int(t): i for i, t in enumerate(tree.token)}
    for t in range(3):
        tour = toks[t * tour_len : (t + 1) * tour_len]
        assert tour[-1] == SEPARATOR and SEPARATOR not in tour[:-1]
        nodes = [node_of[int(x)] for x in tour[:-1]]
        assert nodes[0] == 0 and nodes[-1] == 0 and set(nodes) == set(range(n))
        steps = list(itertools.pairwise(nodes))
        # every step moves along a tree edge, and every edge is used once each way
        assert all(tree.parent[b] == a or tree.parent[a] == b for a, b in steps)
        assert len(set(steps)) == len(steps) == 2 * (n - 1)


def test_tree_data_forms():
    d_walk, _ = tree_data(2, 2, 500, form="walks")
    d_euler, _ = tree_data(2, 2, 500, form="euler")
    assert d_walk.key != d_euler.key
    with pytest.raises(InputError, match="form"):
        tree_data(2, 2, 500, form="bfs")
