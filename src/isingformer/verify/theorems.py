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
)
