"""Mutation-strength tests of the tree measures on a hand-built tree."""

from __future__ import annotations

import math

import numpy as np
import pytest

from isingformer.hyperbolic import tree_stats, walk_tokens
from isingformer.hyperbolic.trees import Tree


def test_entropy_rate_of_a_hand_built_tree():
    """Root → 2 children; the first has 3 children, the second 1. A walk
    chooses uniformly at each node: H = ln 2 + ½ ln 3 + ½ ln 1 per walk of
    D + 2 = 4 tokens (root and separator deterministic)."""
    kids = [[1, 2], [3, 4, 5], [6], [], [], [], []]
    tree = Tree(
        parent=np.array([-1, 0, 0, 1, 1, 1, 2]),
        depth=np.array([0, 1, 1, 2, 2, 2, 2]),
        children=tuple(np.array(k, dtype=np.int64) for k in kids),
        token=np.arange(1, 8),
        branching=2,
        max_depth=2,
    )
    st = tree_stats(tree, walk_tokens(tree, 400, seed=0))
    assert st.entropy_per_token == pytest.approx((math.log(2) + 0.5 * math.log(3)) / 4)
    assert st.growth_rate == pytest.approx(2.0)  # (4 leaves / 1 root)^(1/2)
