"""The public names of isingformer.hyperbolic and of the attention module."""

import isingformer.attention.hyperbolic as geometry
import isingformer.hyperbolic as hyperbolic


def test_public_names():
    assert sorted(hyperbolic.__all__) == [
        "HyperbolicAttention",
        "TreeStats",
        "einstein_midpoint",
        "expmap0",
        "fit_scaling",
        "gromov_delta",
        "logmap0",
        "mobius_add",
        "poincare_distance",
        "random_tree",
        "run_conjecture",
        "shakespeare_graph_stats",
        "tangent_distance",
        "tree_data",
        "tree_stats",
        "verdict",
        "walk_tokens",
    ]
    assert sorted(geometry.__all__) == [
        "AGGREGATIONS",
        "HyperbolicAttention",
        "einstein_midpoint",
        "expmap0",
        "logmap0",
        "mobius_add",
        "poincare_distance",
        "tangent_distance",
    ]
    for name in hyperbolic.__all__:
        assert getattr(hyperbolic, name) is not None
