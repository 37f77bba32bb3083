"""The public names of isingformer.hyperbolic and of the attention module."""

import isingformer.attention.hyperbolic as geometry
import isingformer.hyperbolic as hyperbolic


def test_public_names():
    assert sorted(hyperbolic.__all__) == [
        "HyperbolicAttention",
        "TreeStats",
        "bracket_growth_rate",
        "bracket_tokens",
        "einstein_midpoint",
        "expmap0",
        "fit_scaling",
        "gromov_delta",
        "hyperbolic_logits",
        "logmap0",
        "lorentz_tangent_distance",
        "mobius_add",
        "parse_brackets",
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
        "MANIFOLDS",
        "einstein_midpoint",
        "expmap0",
        "hyperbolic_logits",
        "logmap0",
        "lorentz_distance",
        "lorentz_expmap0",
        "lorentz_inner",
        "lorentz_logmap0",
        "lorentz_midpoint",
        "lorentz_tangent_distance",
        "lorentz_to_poincare",
        "mobius_add",
        "poincare_distance",
        "poincare_to_lorentz",
        "tangent_distance",
    ]
    for name in hyperbolic.__all__:
        assert getattr(hyperbolic, name) is not None
