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
    #: a theorem whose proof uses this one, whose assumptions (a superset of
    #: this one's) are printed instead: ``Print Assumptions`` through the
    #: Interval library costs seconds per call, so Constants.v has one
    covered_by: str = ""

    @property
    def qualified(self) -> str:
        """``Module.name`` as Coq prints it (module = file without ``.v``)."""
        return f"{self.file.removesuffix('.v')}.{self.name}"


_GIBBS = "isingformer.ensemble.gibbs_probabilities"
_THERMO = "isingformer.ensemble.thermodynamics"
_ONSAGER = "isingformer.physics.ising.onsager"
_LAYERS = "isingformer.layers.boltzmann_product / boltzmann_sum"
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
        "entropy_max_only_if_uniform",
        "Thermodynamics.v",
        "S = ln N only if β = 0 or all energies are equal (the uniform distribution); so "
        "'S = ln N exactly at β = 0' holds except for a fully degenerate ensemble.",
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
    Theorem(
        "partition_two_heads",
        "MultiHead.v",
        "Two independent heads: the partition function of H_1 + H_2 over the product "
        "configuration space is Z_1 Z_2 (eq. 5).",
        _THERMO + " (log_z of a joint table)",
    ),
    Theorem(
        "partition_heads_product",
        "MultiHead.v",
        "H independent heads: Z of H_MHA = Σ_h H^(h) is the product of the heads' Z (eq. 5).",
        _THERMO + " (log_z of a joint table)",
    ),
    Theorem(
        "log_partition_additive",
        "MultiHead.v",
        "ln Z, hence the free energy, is additive over independent heads.",
        _THERMO + " (log_z, free_energy)",
    ),
    Theorem(
        "gibbs_heads_independent",
        "MultiHead.v",
        "The joint Gibbs distribution of independent heads is the product of the heads' ones.",
        _GIBBS,
    ),
    Theorem(
        "onsager_tc_bounds",
        "Constants.v",
        "2.269185314213 <= T_c = 2/ln(1+sqrt 2) <= 2.269185314214 (Interval).",
        _ONSAGER + ".CRITICAL_TEMPERATURE",
        covered_by="certified_constants",
    ),
    Theorem(
        "onsager_kc_bounds",
        "Constants.v",
        "0.440686793509 <= K_c = ln(1+sqrt 2)/2 <= 0.440686793510 (Interval).",
        _ONSAGER + ".CRITICAL_COUPLING",
        covered_by="certified_constants",
    ),
    Theorem(
        "sinh_two_kc",
        "Constants.v",
        "sinh 2K_c = 1 exactly (self-dual point; elliptic modulus k = 1).",
        _ONSAGER + ".energy",
        covered_by="certified_constants",
    ),
    Theorem(
        "tanh_two_kc_squared",
        "Constants.v",
        "2 tanh² 2K_c = 1 exactly: the factor in front of the divergent K(k) in u(T) vanishes.",
        _ONSAGER + ".energy",
        covered_by="certified_constants",
    ),
    Theorem(
        "onsager_energy_at_tc",
        "Constants.v",
        "-coth 2K_c = -sqrt 2 exactly: the bulk energy per spin at T_c.",
        _ONSAGER + ".energy",
        covered_by="certified_constants",
    ),
    Theorem(
        "onsager_energy_tc_bounds",
        "Constants.v",
        "-1.414213562374 <= u(T_c) = -sqrt 2 <= -1.414213562373 (Interval).",
        _ONSAGER + ".energy",
        covered_by="certified_constants",
    ),
    Theorem(
        "rem_beta_c_16",
        "Constants.v",
        "2.354820045030 <= β_c(16) = sqrt(2 ln 16) <= 2.354820045031 (Interval).",
        "isingformer.ensemble.rem_beta_c",
        covered_by="certified_constants",
    ),
    Theorem(
        "rem_beta_c_64",
        "Constants.v",
        "2.884053773201 <= β_c(64) = sqrt(2 ln 64) <= 2.884053773202 (Interval).",
        "isingformer.ensemble.rem_beta_c",
        covered_by="certified_constants",
    ),
    Theorem(
        "rem_beta_c_256",
        "Constants.v",
        "3.330218444630 <= β_c(256) = sqrt(2 ln 256) <= 3.330218444631 (Interval).",
        "isingformer.ensemble.rem_beta_c",
        covered_by="certified_constants",
    ),
    Theorem(
        "rem_beta_c_1024",
        "Constants.v",
        "3.723297411059 <= β_c(1024) = sqrt(2 ln 1024) <= 3.723297411060 (Interval).",
        "isingformer.ensemble.rem_beta_c",
        covered_by="certified_constants",
    ),
    Theorem(
        "sk_rs_energy_bounds",
        "Constants.v",
        "-0.797884560803 <= -sqrt(2/π) <= -0.797884560802 (Interval): the SK replica-symmetric "
        "ground energy.",
        "isingformer.physics.glass.RS_E_INF",
        covered_by="certified_constants",
    ),
    Theorem(
        "certified_constants",
        "Constants.v",
        "All the certified numbers and exact identities of Constants.v in one statement.",
        "the constants above",
    ),
    Theorem(
        "commuting_layers_exp_sum",
        "LayerProduct.v",
        "Commuting (diagonal 2x2) layers: e^(-βH1) e^(-βH2) = e^(-β(H1+H2)) at every β, with the "
        "matrix exponential defined by its power series (eq. 13 holds when layers commute).",
        _LAYERS,
    ),
    Theorem(
        "scalar_layers_exp_sum",
        "LayerProduct.v",
        "Scalar layers, any number L: Π_l e^(-βh_l) = e^(-β Σ_l h_l).",
        _LAYERS,
    ),
    Theorem(
        "layers_do_not_commute",
        "LayerProduct.v",
        "The symmetric projectors P = diag(1,0) and Q = (1/2)[[1,1],[1,1]] do not commute.",
        "isingformer.layers.commutator",
    ),
    Theorem(
        "eq13_false_without_commutation",
        "LayerProduct.v",
        "For these P, Q: e^(-βP) e^(-βQ) ≠ e^(-β(P+Q)) at every β ≠ 0 — the document's eq. 13 "
        "is false without commutation.",
        _LAYERS,
    ),
    Theorem(
        "layer_product_asymmetry",
        "LayerProduct.v",
        "For these P, Q the product e^(-βP) e^(-βQ) has (1,2) - (2,1) entry = (e^(-β) - 1)²/2, "
        "while e^(-β(P+Q)) is symmetric.",
        _LAYERS,
    ),
    Theorem(
        "sketch_partition_function_is_zero",
        "LeanSketch.v",
        "The Lean sketch's PartitionFunction folds over allStates = [] and is 0 for every model "
        "and β (its FreeEnergy is -(1/β) log 0).",
        "isingformer.physics.ising.enumerate_exact (Z over all 2^N states, > 0)",
    ),
    Theorem(
        "sketch_fss_is_vacuous",
        "LeanSketch.v",
        "The sketch's FiniteSizeScaling statement holds for any number χ (constant f): it has "
        "no content.",
        "isingformer.ensemble.fit_finite_size (scaling is fitted and tested, not assumed)",
    ),
    Theorem(
        "sketch_rg_fixed_point_is_tautology",
        "LeanSketch.v",
        "The sketch's RGFixedPoint assumes its conclusion: true of every map on every type.",
        "none (no code relies on it)",
    ),
)
