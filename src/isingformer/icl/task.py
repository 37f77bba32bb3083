"""In-context linear regression: the task pool, sequences, and the two exact
Bayes baselines (ridge regression and the discrete-pool posterior mean).

Conventions (those of Raventós et al. 2023 and Lu et al. 2024 up to scale):
tokens ``x ~ N(0, I_d)``, task vectors ``w ~ N(0, I_d / d)`` (so ``y`` has
variance ``1 + σ²``), labels ``y = w·x + ε`` with ``ε ~ N(0, σ²)``. A
pretraining pool holds ``k`` fixed tasks; ``k = None`` means a fresh task
for every sequence (``k = ∞``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from isingformer.errors import InputError

__all__ = [
    "IclBatch",
    "IclTask",
    "make_pool",
    "pool_posterior_predict",
    "ridge_predict",
    "sample_batch",
]


@dataclass(frozen=True)
class IclTask:
    """The regression family: token dimension ``dim`` (d), context length
    ``context`` (ℓ, labelled examples before the query) and label noise
    ``noise`` (σ > 0)."""

    dim: int
    context: int
    noise: float = 0.5

    def __post_init__(self) -> None:
        if isinstance(self.dim, bool) or not isinstance(self.dim, int) or self.dim < 1:
            raise InputError(f"--dim: the token dimension must be an integer >= 1, got {self.dim}")
        if isinstance(self.context, bool) or not isinstance(self.context, int) or self.context < 1:
            raise InputError(
                f"--context: the context length must be an integer >= 1, got {self.context}"
            )
        if not (math.isfinite(self.noise) and self.noise > 0):
            raise InputError(f"--noise: the label noise σ must be finite and > 0, got {self.noise}")

    @property
    def null_error(self) -> float:
        """Error of the predictor ŷ = 0 on fresh tasks: ``1 + σ²``."""
        return 1.0 + self.noise**2


@dataclass(frozen=True)
class IclBatch:
    """``n`` sequences: contexts ``x`` ``[n, ℓ, d]``, ``y`` ``[n, ℓ]``; queries
    ``xq`` ``[n, d]``, ``yq`` ``[n]``; the task of each sequence ``w`` ``[n, d]``."""

    x: np.ndarray
    y: np.ndarray
    xq: np.ndarray
    yq: np.ndarray
    w: np.ndarray


def make_pool(task: IclTask, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` task vectors ``w_j ~ N(0, I/d)``, shape ``[k, d]``."""
    if k < 1:
        raise InputError(f"--tasks: the pool size must be >= 1 (or inf), got {k}")
    return rng.standard_normal((k, task.dim)) / math.sqrt(task.dim)


def sample_batch(
    task: IclTask, n: int, rng: np.random.Generator, pool: np.ndarray | None = None
) -> IclBatch:
    """``n`` sequences; each task is drawn uniformly from ``pool`` ``[k, d]``, or
    fresh from ``N(0, I/d)`` when ``pool`` is None."""
    d, ell = task.dim, task.context
    if pool is None:
        w = rng.standard_normal((n, d)) / math.sqrt(d)
    else:
        w = pool[rng.integers(0, pool.shape[0], size=n)]
    x = rng.standard_normal((n, ell, d))
    y = np.einsum("nld,nd->nl", x, w) + task.noise * rng.standard_normal((n, ell))
    xq = rng.standard_normal((n, d))
    yq = np.einsum("nd,nd->n", xq, w) + task.noise * rng.standard_normal(n)
    return IclBatch(x=x, y=y, xq=xq, yq=yq, w=w)


def ridge_predict(task: IclTask, batch: IclBatch) -> np.ndarray:
    """Bayes-optimal prediction for fresh Gaussian tasks (posterior mean of ``w``
    under the prior ``N(0, I/d)``): ``ŵ = (XᵀX + σ² d I)⁻¹ Xᵀy``; returns
    ``xq·ŵ``, shape ``[n]``."""
    d = task.dim
    gram = np.einsum("nld,nle->nde", batch.x, batch.x) + task.noise**2 * d * np.eye(d)
    rhs = np.einsum("nld,nl->nd", batch.x, batch.y)
    w_hat = np.linalg.solve(gram, rhs[..., None])[..., 0]
    return np.einsum("nd,nd->n", batch.xq, w_hat)


def pool_posterior_predict(task: IclTask, batch: IclBatch, pool: np.ndarray) -> np.ndarray:
    """Bayes-optimal prediction for tasks drawn uniformly from ``pool`` ``[k, d]``
    (the discrete-pool posterior mean, "dMMSE"): weights
    ``p_j ∝ exp(−‖y − X w_j‖² / 2σ²)``, ``ŵ = Σ_j p_j w_j``; returns ``[n]``."""
    gram = np.einsum("nld,nle->nde", batch.x, batch.x)  # [n, d, d]
    xty = np.einsum("nld,nl->nd", batch.x, batch.y)  # [n, d]
    k, d = pool.shape
    outer = (pool[:, :, None] * pool[:, None, :]).reshape(k, d * d)  # vec(w_j w_jᵀ)
    p = np.empty((batch.x.shape[0], k))
    for lo in range(0, p.shape[0], 256):  # chunks keep the [chunk, k] terms small
        quad = gram[lo : lo + 256].reshape(-1, d * d) @ outer.T  # w_jᵀ XᵀX w_j
        logp = (xty[lo : lo + 256] @ pool.T - 0.5 * quad) / task.noise**2
        logp -= logp.max(axis=1, keepdims=True)
        p[lo : lo + 256] = np.exp(logp)
    p /= p.sum(axis=1, keepdims=True)
    w_hat = p @ pool  # [n, d]
    return np.einsum("nd,nd->n", batch.xq, w_hat)
