"""The table of machine-checked theorems in ``proofs/``: each Coq theorem, its
statement in words, and the Python function whose behaviour it justifies.

A test checks that this table and the ``Theorem`` declarations of the Coq
sources name exactly the same theorems.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["THEOREMS", "Theorem"]


@dataclass(frozen=True)
class Theorem:
    """One theorem of the Coq development."""

    name: str  # Coq identifier, unique across the development
    file: str  # file under proofs/
    statement: str  # the statement in words
    python: str  # the function or constant of the package it justifies

    @property
    def qualified(self) -> str:
        """``Module.name`` as Coq prints it (module = file without ``.v``)."""
        return f"{self.file.removesuffix('.v')}.{self.name}"


_GIBBS = "isingformer.ensemble.gibbs_probabilities"
_THERMO = "isingformer.ensemble.thermodynamics"
_ATTN = "isingformer.attention.energies (softmax of QK^T/sqrt d_k)"

THEOREMS: tuple[Theorem, ...] = (
    Theorem(
        "gibbs_weights_positive",
        "Gibbs.v",
        "Every Gibbs weight exp(-βE_i)/Z of a non-empty finite ensemble is > 0, for every real β.",
        _GIBBS,
    ),
    Theorem(
        "gibbs_sum_one",
        "Gibbs.v",
        "The Gibbs weights of a non-empty finite ensemble sum to 1, for every real β.",
        _GIBBS,
    ),
    Theorem(
        "gibbs_shift_invariant",
        "Gibbs.v",
        "Adding the same constant c to every energy leaves the Gibbs distribution unchanged.",
        _GIBBS,
    ),
    Theorem(
        "softmax_is_gibbs",
        "Gibbs.v",
        "softmax(β·s) equals the Gibbs distribution of the energies -s at inverse temperature β.",
        _GIBBS,
    ),
    Theorem(
        "attention_is_gibbs",
        "Gibbs.v",
        "The attention row softmax(q·k_j/sqrt d_k) is the Gibbs distribution of E_j = -q·k_j "
        "at β = 1/sqrt d_k (eqs. 2, 3, 15).",
        _ATTN,
    ),
    Theorem(
        "dlogZ_dbeta",
        "Thermodynamics.v",
        "d ln Z/dβ = -U (the internal energy), at every real β.",
        _THERMO,
    ),
    Theorem(
        "d2logZ_dbeta2",
        "Thermodynamics.v",
        "d²ln Z/dβ² = d(-U)/dβ = Var(E) = <E²> - <E>², at every real β.",
        _THERMO,
    ),
    Theorem(
        "variance_nonneg",
        "Thermodynamics.v",
        "Var(E) >= 0 (it is the Gibbs mean of (E - U)²).",
        _THERMO,
    ),
    Theorem(
        "logZ_convex",
        "Thermodynamics.v",
        "ln Z is convex in β: its second derivative Var(E) exists and is >= 0 everywhere.",
        _THERMO,
    ),
    Theorem(
        "heat_capacity_nonneg",
        "Thermodynamics.v",
        "The heat capacity C = β² Var(E) is >= 0.",
        _THERMO,
    ),
    Theorem(
        "entropy_identity",
        "Thermodynamics.v",
        "The Gibbs entropy -Σ p ln p equals β U + ln Z (so F = U - S/β).",
        _THERMO,
    ),
    Theorem(
        "entropy_nonneg",
        "Thermodynamics.v",
        "The Gibbs entropy is >= 0.",
        _THERMO,
    ),
    Theorem(
        "free_energy_le_energy",
        "Thermodynamics.v",
        "F = -ln Z/β <= U at every β > 0.",
        _THERMO,
    ),
    Theorem(
        "entropy_le_log_states",
        "Thermodynamics.v",
        "The Gibbs entropy of N states is <= ln N (Gibbs' inequality), at every real β.",
        _THERMO,
    ),
    Theorem(
        "entropy_at_infinite_temperature",
        "Thermodynamics.v",
        "At β = 0 every weight is 1/N and S = ln N.",
        _THERMO,
    ),
    Theorem(
        "gibbs_excited_weight_vanishes",
        "Limits.v",
        "As β → +∞ the weight of every key above the minimum energy tends to 0.",
        _GIBBS,
    ),
    Theorem(
        "gibbs_ground_weight_limit",
        "Limits.v",
        "As β → +∞ each of the m minimum-energy keys gets weight → 1/m (the ground states "
        "take all the mass: symmetry breaking onto the minima, §8).",
        _GIBBS + ", ensemble.thermodynamics (max_weight)",
    ),
    Theorem(
        "gibbs_high_temperature_limit",
        "Limits.v",
        "As β → 0 every weight tends to 1/N (uniform attention, §8).",
        _GIBBS,
    ),
)
