"""Hyperbolic attention and the conjecture β_opt ~ 1/(sqrt|κ| · λ) (seed 001 §4–6).

The attention itself is :mod:`isingformer.attention.hyperbolic` (re-exported
here); this package holds the data with known geometry (random trees, their
growth rate λ and Gromov δ) and the conjecture experiment.
"""

from isingformer.attention.hyperbolic import (
    HyperbolicAttention,
    einstein_midpoint,
    expmap0,
    hyperbolic_logits,
    logmap0,
    lorentz_tangent_distance,
    mobius_add,
    poincare_distance,
    tangent_distance,
)
from isingformer.hyperbolic.conjecture import fit_scaling, run_conjecture, verdict
from isingformer.hyperbolic.trees import (
    TreeStats,
    bracket_growth_rate,
    bracket_tokens,
    gromov_delta,
    parse_brackets,
    random_tree,
    shakespeare_graph_stats,
    tree_data,
    tree_stats,
    walk_tokens,
)

__all__ = [
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
