"""Symmetric f-divergences between discrete distributions, vectorized.

Every function takes two arrays of probabilities ``p, q [..., K]`` (the last
axis is the outcome; leading axes are batch axes: grid points, prompts) and
returns ``[...]``. With ``x = p / (p + q)`` the optimal-predictor form of
Arnold et al. (2024) is ``D_g = 1/2 Σ (p − q) g(x)``:

- ``g(x) = sign(2x − 1)``: total variation ``1/2 Σ |p − q|``;
- ``g(x) = 2x − 1``: the linear (triangular) estimator ``1/2 Σ (p − q)² / (p + q)``,
  the low-variance choice; for ``p, q = P(λ ∓ h)`` it is ``h² F(λ)`` to leading
  order, with ``F`` the Fisher information (:func:`fisher_from_linear`);
- Jensen–Shannon, in bits (so every indicator lies in ``[0, 1]``).
"""

from __future__ import annotations

import numpy as np

from isingformer.errors import InputError

__all__ = ["fisher_from_linear", "jensen_shannon", "linear_divergence", "total_variation"]


def _pair(p, q, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """Two distributions ``[..., K]`` over the same K outcomes (as ``dtype``)."""
    p, q = np.asarray(p, dtype=dtype), np.asarray(q, dtype=dtype)
    if p.ndim < 1 or p.shape[-1] != q.shape[-1] or p.shape[-1] < 1:
        raise InputError(
            f"p and q must be distributions over the same K >= 1 outcomes, got {p.shape}, {q.shape}"
        )
    return p, q


def total_variation(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``1/2 Σ_k |p_k − q_k|`` over the last axis: ``[..., K] -> [...]``."""
    p, q = _pair(p, q, dtype=None)
    return 0.5 * np.abs(p - q).sum(axis=-1)


def linear_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``1/2 Σ_k (p_k − q_k)² / (p_k + q_k)`` (terms with p + q = 0 are 0): ``[..., K] -> [...]``."""
    p, q = _pair(p, q)
    s = p + q
    d = p - q
    d *= d
    np.divide(d, s, out=d, where=s > 0)  # p + q = 0 only where p = q = 0: the term is 0
    return 0.5 * d.sum(axis=-1)


def _neg_entropy_bits(p: np.ndarray) -> np.ndarray:
    """``Σ_k p_k log2 p_k`` over the last axis (0 log 0 = 0)."""
    import torch

    t = torch.from_numpy(np.ascontiguousarray(p))
    return torch.special.xlogy(t, t).sum(dim=-1).numpy() / np.log(2.0)


def jensen_shannon(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen–Shannon divergence in bits (in ``[0, 1]``): ``H(m) − (H(p) + H(q))/2``,
    ``m = (p + q)/2``: ``[..., K] -> [...]``."""
    p, q = _pair(p, q)
    js = 0.5 * (_neg_entropy_bits(p) + _neg_entropy_bits(q)) - _neg_entropy_bits(0.5 * (p + q))
    return np.clip(js, 0.0, 1.0)


def fisher_from_linear(linear: np.ndarray, half_width: float | np.ndarray) -> np.ndarray:
    """Fisher information ``F(λ) ≈ D_lin(P(λ − h), P(λ + h)) / h²`` (exact as h → 0)."""
    return np.asarray(linear) / np.asarray(half_width) ** 2
