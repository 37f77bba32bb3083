"""The deep theory of seed 000 §4 measured: layer Hamiltonians of a real
model, their commutators (A1), norms (A2), the β·M·L product (A3), the
product-of-exponentials error against one effective Ising model, its Trotter
and BCH forms, attention rollout against the summed softmax, and the
mean-field coupling flow with depth."""

from isingformer.layers.controls import (
    certified_product_vs_sum,
    commuting_family,
    perturbed_family,
    two_level_error,
    two_level_pair,
)
from isingformer.layers.operators import (
    bch2_relative,
    boltzmann_product,
    boltzmann_sum,
    commutator,
    commutator_norms,
    product_vs_sum,
    spectral_norm,
    symmetric_part,
    trotter_bound_log10,
    trotter_product,
)
from isingformer.layers.rollout import layer_attention, rollout_tv

__all__ = [
    "bch2_relative",
    "boltzmann_product",
    "boltzmann_sum",
    "certified_product_vs_sum",
    "commutator",
    "commutator_norms",
    "commuting_family",
    "layer_attention",
    "perturbed_family",
    "product_vs_sum",
    "rollout_tv",
    "spectral_norm",
    "symmetric_part",
    "trotter_bound_log10",
    "trotter_product",
    "two_level_error",
    "two_level_pair",
]
