"""The linear-attention model of in-context regression in its reduced form.

One linear-attention layer reading the tokens ``(x_i, y_i)`` and the query
``(x_q, 0)`` predicts, after the reparametrisation of Lu et al. 2024 (and
Zhang, Frei & Bartlett 2024), ``ŷ = x_qᵀ Γ h`` with the context summary
``h = (1/ℓ) Σ_i y_i x_i`` and one reduced weight matrix ``Γ`` ``[d, d]``.
The pretraining loss (mean squared error over ``n`` sequences plus
``λ‖Γ‖²``) is quadratic in ``Γ``: its minimiser solves the normal equations
in ``d²`` unknowns, and the Gibbs measure ``exp(−β n L(Γ) / 2)`` over the
weights is an exact Gaussian (mean: the minimiser; precision
``β n (A + λ I)`` with ``A`` the feature second-moment matrix).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from isingformer.errors import InputError
from isingformer.icl.task import IclBatch, IclTask

__all__ = [
    "context_summary",
    "effective_gamma",
    "exact_error",
    "fit_closed_form",
    "fit_gradient_descent",
    "gibbs_overlaps",
    "gibbs_samples",
    "linear_predict",
    "normal_equations",
    "population_gamma",
    "replica_overlap",
]


def context_summary(batch: IclBatch) -> np.ndarray:
    """``h = (1/ℓ) Σ_i y_i x_i`` per sequence, shape ``[n, d]`` (float64; one
    compiled pass over the contexts that reads all ``n ℓ d`` token entries
    once: with the pair-feature product, what bounds the closed form's speed)."""
    from isingformer.icl._kernels import context_sums

    x = np.ascontiguousarray(batch.x, dtype=np.float64)
    y = np.ascontiguousarray(batch.y, dtype=np.float64)
    out = np.empty((x.shape[0], x.shape[2]))
    context_sums(x, y, out)
    return out


def linear_predict(gamma: np.ndarray, batch: IclBatch) -> np.ndarray:
    """``ŷ = x_qᵀ Γ h`` per sequence, shape ``[n]``."""
    return np.einsum("nd,de,ne->n", batch.xq, gamma, context_summary(batch))


@functools.lru_cache(maxsize=8)
def _pair_index(d: int) -> tuple[int, np.ndarray]:
    """The number of upper-triangle pairs ``p = d(d+1)/2`` of ``d`` (in
    ``np.triu_indices`` order) and the flat index ``[d², d²]`` that spreads a
    pair-by-pair matrix ``[p, p]`` over the ``(a,b),(c,e)`` entries:
    ``(pair(a,c), pair(b,e))``."""
    iu, ju = np.triu_indices(d)
    pair = np.empty((d, d), dtype=np.intp)
    pair[iu, ju] = pair[ju, iu] = np.arange(iu.size)
    flat = pair[:, None, :, None] * iu.size + pair[None, :, None, :]
    flat = flat.reshape(d * d, d * d)
    flat.flags.writeable = False  # cached: shared by every call
    return iu.size, flat


def _normal_matrix(xq: np.ndarray, h: np.ndarray, dtype: type, chunk: int) -> np.ndarray:
    """``A = (1/n) Σ φ φᵀ`` ``[d², d²]`` in ``dtype`` (see :func:`normal_equations`):
    the pair-feature product ``P Qᵀ`` accumulated over blocks of ``chunk``
    sequences, spread over the ``d² × d²`` entries. Each block's pair
    features are built by a compiled kernel into one small workspace (it
    stays in cache for the product; rows padded off a power-of-two stride)."""
    from isingformer.icl._kernels import pair_block

    n, d = h.shape
    p, flat = _pair_index(d)
    chunk = min(chunk, n)
    xq = np.ascontiguousarray(xq, dtype=np.float64)
    h = np.ascontiguousarray(h, dtype=np.float64)
    vt = np.empty((d, chunk + 16), dtype=dtype)
    work = np.empty((2, p, chunk + 16), dtype=dtype)
    m = None
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        pair_block(xq, lo, hi, vt, work[0])
        pair_block(h, lo, hi, vt, work[1])
        block = work[0, :, : hi - lo] @ work[1, :, : hi - lo].T
        m = block if m is None else np.add(m, block, out=m)
    a = m.take(flat)
    a *= dtype(1.0 / n)
    return a


def _moment_vector(batch: IclBatch, h: np.ndarray) -> np.ndarray:
    """``b = (1/n) Σ y_q x_q hᵀ`` ``[d, d]`` (float64)."""
    return batch.xq.T @ (batch.yq[:, None] * h) / h.shape[0]


def _data_residual(batch: IclBatch, h: np.ndarray, gamma: np.ndarray, ridge: float) -> np.ndarray:
    """``b − (A + λ) vec Γ`` ``[d, d]`` in float64 through the data, without
    ``A``: ``(1/n) Σ (y_q − x_qᵀΓh) x_q hᵀ − λΓ`` (2 n d² multiply-adds)."""
    xq = batch.xq
    err = batch.yq - np.einsum("nd,nd->n", xq @ gamma, h)
    return xq.T @ (err[:, None] * h) / xq.shape[0] - ridge * gamma


def normal_equations(batch: IclBatch, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """``A = (1/n) Σ φ φᵀ`` ``[d², d²]`` and ``b = (1/n) Σ y_q φ`` ``[d²]`` of the
    features ``φ = vec(x_q hᵀ)`` (row-major, matching ``Γ.reshape(-1)``).

    ``A[(a,b),(c,e)] = (1/n) Σ x_a x_c h_b h_e`` depends on the unordered pairs
    {a, c} and {b, e} only, so it is read off the product ``P Qᵀ`` of the
    pair features ``P = (x_a x_c)_{a≤c}``, ``Q = (h_b h_e)_{b≤e}``
    (``d(d+1)/2 × n`` each): a quarter of the flops of ``Φᵀ Φ``, exact in
    float64, one matrix product per ``chunk`` sequences (bounded memory)."""
    h = context_summary(batch)
    a = _normal_matrix(batch.xq, h, np.float64, chunk)
    return a, _moment_vector(batch, h).reshape(-1)


_CHUNK32 = 512  # sequences per block of the float32 pair-feature product


def _refined_solve(
    batch: IclBatch, h: np.ndarray, ridge: float, tol: float = 1e-12, max_steps: int = 10
) -> np.ndarray | None:
    """The minimiser ``Γ`` ``[d, d]`` by mixed precision (LAPACK's ``dsposv``
    scheme): ``A + λ`` assembled and Cholesky-factored in float32, then
    iterative refinement ``Γ += (A + λ)₃₂⁻¹ r`` with the residual ``r`` of the
    normal equations evaluated in float64 through the data. Each step shrinks
    the error by the observed rate ``ρ = |ΔΓ_k| / |ΔΓ_{k−1}|`` (≈ κ·10⁻⁷); it
    stops when the predicted remaining error ``ρ |ΔΓ_k|`` is below ``tol
    max|Γ|``. None when float32 cannot do it (not positive definite, not
    contracting, or not converged in ``max_steps``): then use float64."""
    from scipy.linalg.lapack import spotrf, spotrs

    a = _normal_matrix(batch.xq, h, np.float32, _CHUNK32)
    a.flat[:: a.shape[0] + 1] += np.float32(ridge)
    chol, info = spotrf(a.T, lower=0, clean=0, overwrite_a=1)  # symmetric: .T is Fortran order
    if info != 0:
        return None
    d = h.shape[1]
    gamma = np.zeros((d, d))
    resid = _moment_vector(batch, h)  # the residual at Γ = 0
    prev: float | None = None
    for _ in range(max_steps):
        step, info = spotrs(chol, resid.reshape(-1).astype(np.float32), lower=0)
        if info != 0:
            return None
        step = step.astype(np.float64).reshape(d, d)
        gamma += step
        size, scale = float(np.abs(step).max()), float(np.abs(gamma).max())
        if not (math.isfinite(size) and math.isfinite(scale)):
            return None
        if size == 0.0:
            return gamma
        if prev is not None:  # ΔΓ_0 is Γ itself: the first rate is its relative error
            rate = size / prev
            if rate * size <= tol * scale:
                return gamma
            if rate > 0.5:
                return None
        prev = size
        resid = _data_residual(batch, h, gamma, ridge)
    return None


def fit_closed_form(batch: IclBatch, ridge: float = 1e-4) -> np.ndarray:
    """The minimiser ``Γ`` ``[d, d]`` of ``(1/n) Σ (y_q − x_qᵀΓh)² + λ‖Γ‖²``:
    the normal equations ``(A + λ I) vec Γ = b`` solved by Cholesky — in
    mixed precision with float64 iterative refinement (equal to the float64
    solve to < 1e-10 relative, see :func:`_refined_solve`), in float64 when
    the system is too ill-conditioned for float32 (κ ≳ 10⁷)."""
    if not ridge >= 0:
        raise InputError(f"--ridge: λ must be >= 0, got {ridge}")
    gamma = _refined_solve(batch, context_summary(batch), ridge)
    return _float64_solve(batch, ridge) if gamma is None else gamma


def _float64_solve(batch: IclBatch, ridge: float) -> np.ndarray:
    """The minimiser by the float64 normal equations and Cholesky, ``[d, d]``."""
    from scipy.linalg import cho_factor, cho_solve

    a, b = normal_equations(batch)
    a[np.diag_indices_from(a)] += ridge
    d = batch.xq.shape[1]
    return cho_solve(cho_factor(a), b).reshape(d, d)


def fit_gradient_descent(
    batch: IclBatch,
    ridge: float = 1e-4,
    *,
    tol: float = 1e-9,
    max_steps: int = 100_000,
) -> tuple[np.ndarray, int]:
    """Full-batch gradient descent (torch autograd, float64) on the same loss
    from ``Γ = 0``, step ``1/L`` with ``L`` the largest Hessian eigenvalue (power
    iteration on Hessian-vector products). Stops when the largest gradient
    entry is below ``tol``. Returns ``(Γ [d, d], steps)``."""
    import torch

    xq = torch.as_tensor(batch.xq, dtype=torch.float64)
    h = torch.as_tensor(context_summary(batch), dtype=torch.float64)
    yq = torch.as_tensor(batch.yq, dtype=torch.float64)
    d = xq.shape[1]

    def loss_fn(g: torch.Tensor) -> torch.Tensor:
        pred = torch.einsum("nd,de,ne->n", xq, g, h)
        return torch.mean((yq - pred) ** 2) + ridge * torch.sum(g * g)

    def hvp(v: torch.Tensor) -> torch.Tensor:  # the loss is quadratic: H v = 2(A + λ)v
        pred = torch.einsum("nd,de,ne->n", xq, v, h)
        return 2.0 * torch.einsum("n,nd,ne->de", pred, xq, h) / xq.shape[0] + 2.0 * ridge * v

    v = torch.ones(d, d, dtype=torch.float64) / d
    top = 1.0
    for _ in range(50):
        w = hvp(v)
        top = float(torch.linalg.norm(w))
        v = w / top
    lr = 1.0 / (1.05 * top)
    g = torch.zeros(d, d, dtype=torch.float64, requires_grad=True)
    for step in range(1, max_steps + 1):
        loss = loss_fn(g)
        (grad,) = torch.autograd.grad(loss, g)
        if float(grad.abs().max()) < tol:
            return g.detach().numpy().copy(), step
        with torch.no_grad():
            g -= lr * grad
    return g.detach().numpy().copy(), max_steps


def effective_gamma(batch: IclBatch, predictions: np.ndarray, ridge: float = 1e-4) -> np.ndarray:
    """The projection of any in-context predictor onto the linear-attention
    family: the ``Γ`` ``[d, d]`` whose ``x_qᵀ Γ h`` best fits (least squares)
    the predictor's ``predictions`` ``[n]`` on the sequences of ``batch``. A
    function of what the model computes, so it is invariant to every
    reparametrisation of its weights (permuted heads or hidden units)."""
    from dataclasses import replace

    return fit_closed_form(replace(batch, yq=np.asarray(predictions, dtype=float)), ridge)


def replica_overlap(gamma_a: np.ndarray, gamma_b: np.ndarray) -> float:
    """``q = ⟨Γ_a, Γ_b⟩ / (‖Γ_a‖ ‖Γ_b‖)`` of two weight matrices."""
    a, b = np.ravel(gamma_a), np.ravel(gamma_b)
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def _task_moments(task: IclTask, pool: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """``Ω = E[w wᵀ]`` and ``M = E[h hᵀ] = (1 + 1/ℓ) Ω + (tr Ω + σ²)/ℓ I`` (exact
    for Gaussian tokens), both ``[d, d]``."""
    d, ell = task.dim, task.context
    omega = np.eye(d) / d if pool is None else pool.T @ pool / pool.shape[0]
    m = (1.0 + 1.0 / ell) * omega + (np.trace(omega) + task.noise**2) / ell * np.eye(d)
    return omega, m


def population_gamma(task: IclTask, pool: np.ndarray | None, ridge: float = 0.0) -> np.ndarray:
    """The minimiser with infinitely many pretraining sequences (τ = ∞) on the
    pool ``[k, d]`` (None: fresh tasks): ``Γ = Ω (M + λ I)⁻¹``, ``[d, d]``."""
    omega, m = _task_moments(task, pool)
    return np.linalg.solve((m + ridge * np.eye(task.dim)).T, omega.T).T


def exact_error(task: IclTask, gamma: np.ndarray, pool: np.ndarray | None = None) -> float:
    """Exact expected squared error of ``Γ`` on tasks from ``pool`` (in
    distribution) or on fresh tasks (``pool`` None, out of distribution):
    ``tr Ω − 2 tr(ΓΩ) + tr(Γ M Γᵀ) + σ²``."""
    omega, m = _task_moments(task, pool)
    return float(
        np.trace(omega)
        - 2.0 * np.trace(gamma @ omega)
        + np.trace(gamma @ m @ gamma.T)
        + task.noise**2
    )


def gibbs_samples(
    batch: IclBatch,
    gamma: np.ndarray,
    *,
    beta: float,
    ridge: float,
    count: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``count`` independent exact samples of the Gibbs measure over the
    weights, ``∝ exp(−β n L(Γ) / 2)``: a Gaussian with mean ``gamma`` (the
    minimiser) and precision ``β n (A + λ I)``. Returns ``[count, d, d]``."""
    if not (math.isfinite(beta) and beta > 0):
        raise InputError(f"--beta: the inverse temperature must be finite and > 0, got {beta}")
    a, _ = normal_equations(batch)
    n, d = batch.xq.shape
    chol = np.linalg.cholesky(beta * n * (a + ridge * np.eye(d * d)))
    z = rng.standard_normal((d * d, count))
    noise = np.linalg.solve(chol.T, z).T  # rows ~ N(0, precision⁻¹)
    return (gamma.reshape(1, -1) + noise).reshape(count, d, d)


def gibbs_overlaps(
    batch: IclBatch,
    gamma: np.ndarray,
    *,
    beta: float,
    ridge: float,
    pairs: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Overlaps ``q = ⟨Γ_a, Γ_b⟩ / (‖Γ_a‖ ‖Γ_b‖)`` of ``pairs`` pairs of
    independent replicas drawn by :func:`gibbs_samples`. Returns ``[pairs]``."""
    s = gibbs_samples(batch, gamma, beta=beta, ridge=ridge, count=2 * pairs, rng=rng)
    sa, sb = s[:pairs].reshape(pairs, -1), s[pairs:].reshape(pairs, -1)
    num = np.sum(sa * sb, axis=1)
    return num / np.sqrt(np.sum(sa * sa, axis=1) * np.sum(sb * sb, axis=1))
