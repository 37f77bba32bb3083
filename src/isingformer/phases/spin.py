"""The network-as-spin-model map (Barney, Winer, Galitski 2024), at initialization.

Neurons are Ising spins, weights couplings: the MLP blocks of our GPT give a
layered model with spin layers x₀ (d), h₁ (4d), x₁ (d), h₂ (4d), … and bonds
``fc`` (x_b–h_b) and ``proj`` (h_b–x_{b+1}), ``H = −Σ J_ij s_i s_j``. With
``bonds="mlp+attention"`` every block first adds its attention projections:
x_b –``qkv``– a_b (3d units: q, k, v) –``out``– y_b (d), then y_b –``fc``– h_b
–``proj``– x_{b+1}; only the v units couple to ``out`` (at one position the
head output is v), q and k are dangling layers (their product enters the
logits, not a pairwise bond). As a graph of spin layers the chain is a tree:
x_b–q_b, x_b–k_b, x_b–v_b, v_b–y_b (:func:`gpt_layer_graph`).

Three transition temperatures of the paramagnet (the spin-glass instability):

- :func:`tc_layered`: the replica-symmetric criterion q_a = β² Σ_b Λ_ab q_b of
  a layered model with iid couplings, Λ_ab = N_b σ²_ab, so T_c = λ_max(Λ)^½
  (a chain of layers, or any graph of layers: ``edges``);
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
from isingformer.validate import check_float

BONDS = ("mlp", "mlp+attention")  # which weights of a GPT block are bonds

__all__ = [
    "BONDS",
    "gpt_bond_matrix",
    "gpt_layer_graph",
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
    c = check_float(c, "c", gt=0)
    return math.sqrt(2.0 * c * math.cos(math.pi / (n_couplings + 2)))


def tc_layered(
    sizes: list[int], variances: list[float], edges: list[tuple[int, int]] | None = None
) -> float:
    """``λ_max(Λ)^½`` of spin layers ``sizes [K]`` with iid couplings of ``variances``
    between the pairs of layers ``edges`` (one per variance; default the chain
    ``(a, a + 1)``), Λ_ab = N_b σ²_ab (summed over the edges joining a and b)."""
    n = len(sizes)
    if edges is None:
        if len(variances) != n - 1 or not variances:
            raise InputError("tc_layered: one variance per neighbouring pair of layers")
        edges = [(a, a + 1) for a in range(n - 1)]
    if len(edges) != len(variances) or not variances:
        raise InputError("tc_layered: one variance per edge")
    lam = np.zeros((n, n))
    for (a, b), v in zip(edges, variances, strict=True):
        if a == b or not (0 <= a < n and 0 <= b < n):
            raise InputError(f"tc_layered: edge {(a, b)} does not join two of {n} layers")
        lam[a, b] += sizes[b] * v
        lam[b, a] += sizes[a] * v
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


def _weight(linear) -> np.ndarray:
    """``[in, out]``: a ``torch.nn.Linear``'s weight as a coupling block."""
    return linear.weight.detach().double().cpu().numpy().T


def _check_bonds(bonds: str) -> None:
    if bonds not in BONDS:
        raise InputError(f"bonds must be one of {' | '.join(BONDS)}, not {bonds!r}")


def gpt_bond_matrix(model, bonds: str = "mlp") -> tuple[np.ndarray, list[int]]:
    """Bond matrix ``[n, n]`` of our GPT and the sizes of its chain of spin layers.

    ``bonds="mlp"``: ``fc``, ``proj`` of every block in depth order, layers
    ``[d, 4d, d, 4d, …]``. ``bonds="mlp+attention"``: per block ``qkv``
    (x_b → the 3d units q, k, v), ``out`` (only from the v units, the q and k
    rows are zero) to y_b, then ``fc``, ``proj``: layers ``[d, 3d, d, 4d, d, …]``.
    Biases (fields), LayerNorm and the residual identity are not bonds."""
    _check_bonds(bonds)
    blocks = []
    for blk in model.blocks:
        if bonds == "mlp+attention":
            attn = blk.attn
            if not (hasattr(attn, "qkv") and hasattr(attn, "out")):
                raise InputError("bonds=mlp+attention needs attention with qkv and out projections")
            qkv = _weight(attn.qkv)  # [d, 3d]: q, k, v units in this order
            d = qkv.shape[0]
            out = np.zeros((3 * d, d))
            out[2 * d :] = _weight(attn.out)  # [d, d]: v units → y_b
            blocks += [qkv, out]
        blocks.append(_weight(blk.mlp.fc))  # [d, 4d]
        blocks.append(_weight(blk.mlp.proj))  # [4d, d]
    sizes = [blocks[0].shape[0]] + [b.shape[1] for b in blocks]
    return layered_bond_matrix(blocks), sizes


def gpt_layer_graph(
    d_model: int, n_layer: int, bonds: str = "mlp", hidden: int | None = None
) -> tuple[list[int], list[tuple[int, int]], list[str]]:
    """The spin layers of a GPT as a graph for :func:`tc_layered`: ``sizes`` of the
    layers (the q, k, v units of ``mlp+attention`` as three layers of ``d_model``),
    the ``edges`` between them and each edge's weight name (``qkv.q``, ``qkv.k``,
    ``qkv.v``, ``out``, ``fc``, ``proj``). ``hidden``: the MLP width (4d)."""
    _check_bonds(bonds)
    h = 4 * d_model if hidden is None else hidden
    sizes, edges, names = [d_model], [], []
    x = 0  # index of the residual-stream layer x_b
    for _ in range(n_layer):
        if bonds == "mlp+attention":
            q, k, v, y = len(sizes), len(sizes) + 1, len(sizes) + 2, len(sizes) + 3
            sizes += [d_model] * 4
            edges += [(x, q), (x, k), (x, v), (v, y)]
            names += ["qkv.q", "qkv.k", "qkv.v", "out"]
            x = y
        hb = len(sizes)
        sizes += [h, d_model]
        edges += [(x, hb), (hb, hb + 1)]
        names += ["fc", "proj"]
        x = hb + 1
    return sizes, edges, names


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
