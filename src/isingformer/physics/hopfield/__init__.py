"""Hopfield networks: classical (Hebbian couplings, retrieval, storage capacity
α_c) and modern (continuous patterns, ξ ← X softmax(β Xᵀξ), the attention step).
Figures and the main-job section: :mod:`.report`.
"""

from isingformer.physics.hopfield.classical import (
    ALPHA_C,
    CapacityEstimate,
    capacity_curves,
    capacity_point,
    capacity_study,
    corrupt,
    estimate_alpha_c,
    hebbian_couplings,
    hopfield_energy,
    random_patterns,
    retrieval_overlap,
    run_dynamics,
)
from isingformer.physics.hopfield.modern import (
    REGIMES,
    ModernScan,
    attention_step,
    classify_weights,
    clustered_patterns,
    fixed_point,
    hopfield_update,
    modern_study,
    regime_scan,
    separation,
    separation_beta,
)

__all__ = [
    "ALPHA_C",
    "REGIMES",
    "CapacityEstimate",
    "ModernScan",
    "attention_step",
    "capacity_curves",
    "capacity_point",
    "capacity_study",
    "classify_weights",
    "clustered_patterns",
    "corrupt",
    "estimate_alpha_c",
    "fixed_point",
    "hebbian_couplings",
    "hopfield_energy",
    "hopfield_update",
    "modern_study",
    "random_patterns",
    "regime_scan",
    "retrieval_overlap",
    "run_dynamics",
    "separation",
    "separation_beta",
]
