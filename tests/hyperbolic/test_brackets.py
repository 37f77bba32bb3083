"""Bracketed depth-first traversals: balanced, the tree recoverable from
them, λ measured on them, and their use as training data."""

from __future__ import annotations

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.hyperbolic.trees import (
    SEPARATOR,
    bracket_growth_rate,
    bracket_ids,
    bracket_tokens,
    parse_brackets,
    random_tree,
    tree_data,
    tree_stats,
)


def _tours(tokens):
    arr = np.asarray(tokens, dtype=np.int64)
    ends = np.flatnonzero(arr == SEPARATOR)
    return [arr[a + 1 : b] for a, b in zip(np.r_[-1, ends[:-1]], ends, strict=True)]


@pytest.mark.parametrize("b, depth", [(2, 3), (3, 2), (6, 2)])
def test_brackets_are_balanced_and_the_tree_is_recovered(b, depth):
    tree = random_tree(b, depth, seed=1)
    opn, cls = bracket_ids(tree)
    toks = bracket_tokens(tree, 20 * 3 * tree.n_nodes, seed=2)
    tours = _tours(toks)
    assert len(tours) >= 19
    for t in tours:
        assert len(t) == 3 * tree.n_nodes  # ( token ) per node
        level = np.cumsum(np.where(t == opn, 1, 0) - np.where(t == cls, 1, 0))
        assert level.min() >= 0 and level[-1] == 0 and (level[:-1] > 0).all()  # one root
        nodes = t[(t != opn) & (t != cls)]
        assert sorted(nodes.tolist()) == sorted(tree.token.tolist())  # each node once
    parent, depth_of = parse_brackets(toks, opn, cls)
    want = {int(tree.token[n]): (int(tree.token[p]) if p >= 0 else SEPARATOR)
            for n, p in enumerate(tree.parent)}  # fmt: skip
    assert parent == want
    assert depth_of == {int(tree.token[n]): int(d) for n, d in enumerate(tree.depth)}
    # children come in a fresh random order: the tours differ
    assert len({t.tobytes() for t in tours}) > 1


@pytest.mark.parametrize("b", [2, 3, 4, 6])
def test_growth_rate_measured_on_the_brackets_is_the_trees(b):
    tree = random_tree(b, 2, seed=0)
    opn, cls = bracket_ids(tree)
    toks = bracket_tokens(tree, 3 * tree.n_nodes + 1, seed=0)  # one tour suffices
    stats = tree_stats(tree, bracket_tokens(tree, 4000, seed=3))
    assert bracket_growth_rate(toks, opn, cls) == pytest.approx(stats.growth_rate, rel=1e-12)
    # the token graph of the brackets is the recovered tree: δ = 0, mean degree of a tree
    assert stats.gromov_delta == 0.0
    assert stats.mean_degree == pytest.approx(2 * (tree.n_nodes - 1) / tree.n_nodes)


def test_unbalanced_or_malformed_brackets_are_input_errors():
    o, c = 8, 9
    for bad in ([o, 1, SEPARATOR], [o, 1, c, c, SEPARATOR], [1, SEPARATOR],
                [o, 1, 2, c, SEPARATOR], [o, 1, o, 2, c, c, o, 3, o, 2, c, c, SEPARATOR]):  # fmt: skip
        with pytest.raises(InputError):
            parse_brackets(np.array(bad), o, c)
    with pytest.raises(InputError, match="no complete"):
        bracket_growth_rate(np.array([o, 1]), o, c)


def test_tree_data_brackets_trains():
    import torch

    from isingformer.lm.config import TrainConfig
    from isingformer.lm.train import train

    data, tree = tree_data(3, 2, 900, seed=0, form="brackets")
    assert data.vocab_size == tree.n_nodes + 3
    assert int(np.asarray(data.train).max()) == tree.n_nodes + 2
    cfg = TrainConfig(n_layer=1, n_head=2, d_model=16, context=8, batch_size=4, steps=2,
                      eval_every=2, eval_batches=1, warmup=1, attention="hyperbolic",
                      curvature=-1.0)  # fmt: skip
    r = train(cfg, data=data)
    assert all(torch.isfinite(torch.tensor(r.train_losses)))
