"""The network-as-spin-model map (Barney, Winer, Galitski 2024), at initialization.

Neurons are Ising spins, weights couplings: the MLP blocks of our GPT give a
layered model with spin layers x₀ (d), h₁ (4d), x₁ (d), h₂ (4d), … and bonds
``fc`` (x_b–h_b) and ``proj`` (h_b–x_{b+1}), ``H = −Σ J_ij s_i s_j``.

Three transition temperatures of the paramagnet (the spin-glass instability):

- :func:`tc_layered`: the replica-symmetric criterion q_a = β² Σ_b Λ_ab q_b of
  a layered model with iid couplings, Λ_ab = N_b σ²_ab, so T_c = λ_max(Λ)^½;
  for L identical square couplings (L + 1 spin layers of width N, variance
  σ², C = Nσ²) Λ = C·A(path) and T_c = [2C cos(π/(L+2))]^½, the paper's
  closed form (:func:`tc_closed_form`);
- :func:`tc_squared_bonds`: the same criterion on the actual bond matrix,
  q_i = β² Σ_j J_ij² q_j, T_c = ρ(J∘J)^½ (any weights, trained ones too);
- :func:`tc_tap`: where the paramagnetic solution m = 0 of the TAP equations
  m_i = tanh(β Σ_j J_ij m_j − β² m_i Σ_j J_ij² (1 − m_j²)) turns unstable:
  λ_max(βJ − β² diag(Σ_j J_ij²)) = 1, by bisection in β.

Replica-exchange Monte Carlo, damped TAP iteration, P(q), the hidden-order
phase: :mod:`isingformer.phases.spin_mc`; T_c(t) over training:
:mod:`isingformer.phases.spin_study`.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from isingformer.errors import InputError

__all__ = [
    "gpt_bond_matrix",
    "layered_bond_matrix",
    "tc_closed_form",
    "tc_layered",
    "tc_squared_bonds",
    "tc_tap",
]


def tc_closed_form(c: float, n_couplings: int) -> float:
    """``[2C cos(π/(L+2))]^½`` for ``L = n_couplings`` identical square coupling layers."""
    if c <= 0 or n_couplings < 1:
        raise InputError("tc_closed_form needs C > 0 and at least one coupling layer")
    return math.sqrt(2.0 * c * math.cos(math.pi / (n_couplings + 2)))


def tc_layered(sizes: list[int], variances: list[float]) -> float:
    """``λ_max(Λ)^½`` of a chain of spin layers ``sizes [L+1]`` with iid couplings of
    ``variances [L]`` between neighbours (Λ_ab = N_b σ²_ab)."""
    if len(variances) != len(sizes) - 1 or not variances:
        raise InputError("tc_layered: one variance per neighbouring pair of layers")
    n = len(sizes)
    lam = np.zeros((n, n))
    for a, v in enumerate(variances):
        lam[a, a + 1] = sizes[a + 1] * v
        lam[a + 1, a] = sizes[a] * v
    return float(math.sqrt(max(np.linalg.eigvals(lam).real)))


def layered_bond_matrix(blocks: list[np.ndarray]) -> np.ndarray:
    """Symmetric bond matrix ``[n, n]`` of a chain of layers from ``blocks[l] [N_l, N_{l+1}]``."""
    sizes = [blocks[0].shape[0]] + [b.shape[1] for b in blocks]
    for a, b in itertools.pairwise(blocks):
        if a.shape[1] != b.shape[0]:
            raise InputError(f"coupling blocks do not chain: {a.shape} then {b.shape}")
    off = np.concatenate([[0], np.cumsum(sizes)])
    J = np.zeros((off[-1], off[-1]))
    for i, b in enumerate(blocks):
        J[off[i] : off[i + 1], off[i + 1] : off[i + 2]] = b
    return J + J.T


def gpt_bond_matrix(model) -> tuple[np.ndarray, list[int]]:
    """Bond matrix of our GPT's MLP blocks (``fc``, ``proj`` of every block, in depth
    order) and the spin-layer sizes ``[d, 4d, d, 4d, …]``."""
    blocks = []
    for blk in model.blocks:
        blocks.append(blk.mlp.fc.weight.detach().double().numpy().T)  # [d, 4d]
        blocks.append(blk.mlp.proj.weight.detach().double().numpy().T)  # [4d, d]
    sizes = [blocks[0].shape[0]] + [b.shape[1] for b in blocks]
    return layered_bond_matrix(blocks), sizes


def tc_squared_bonds(J: np.ndarray) -> float:
    """``ρ(J∘J)^½``: the replica-symmetric spin-glass temperature of the bonds ``J [n, n]``."""
    return float(math.sqrt(np.linalg.eigvalsh(np.asarray(J) ** 2)[-1]))


def tc_tap(J: np.ndarray, tol: float = 1e-6) -> tuple[float, float]:
    """Where the paramagnetic TAP solution m = 0 is closest to unstable.

    The TAP Hessian at m = 0 is ``δ_ij (1 + β² Σ_k J_ik²) − β J_ij``; its lowest
    eigenvalue ``1 − λ_max(βJ − β² D)`` touches 0 at the transition (in the SK
    model ``(1 − β)²``: a marginal, tangential instability). Returns
    ``(T, λ)``: ``T = 1/β*`` with β* maximizing ``λ_max(βJ − β²D)``
    (golden-section search) and that maximum λ (→ 1 for large N). If the
    maximum exceeds 1 (an outlier eigenvalue of J: ordering along a direction,
    not a glass), T is the first crossing λ = 1 from the hot side instead.
    """
    J = np.asarray(J, dtype=np.float64)
    D = np.diag((J**2).sum(axis=1))

    from scipy.linalg import eigh

    n = J.shape[0]

    def lam(beta: float) -> float:  # the largest eigenvalue only
        return float(
            eigh(beta * J - beta * beta * D, eigvals_only=True, subset_by_index=[n - 1, n - 1])[0]
        )

    lo, hi = 0.0, 4.0 / max(np.linalg.eigvalsh(J)[-1], 1e-300)  # λ(β) < 0 beyond
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = lam(a), lam(b)
    while hi - lo > tol * hi:
        if fa > fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = lam(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = lam(b)
    beta = 0.5 * (lo + hi)
    top = lam(beta)
    if top > 1.0:  # a true crossing (an ordered phase, e.g. a hidden-order direction)
        lo, hi = 0.0, beta
        while hi - lo > tol * hi:
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if lam(mid) < 1.0 else (lo, mid)
        beta = hi
    return 1.0 / beta, top
