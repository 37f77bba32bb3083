"""The operator reading of seed 000 §4: layer Hamiltonians as N x N operators
on position space, their Boltzmann operators, commutators, and the errors of
replacing the product of layer exponentials by one exponential.

Every function takes a stack of layer Hamiltonians ``H [..., L, N, N]``
(float64). The *product* is ``P = e^(−βH⁽¹⁾) e^(−βH⁽²⁾) ··· e^(−βH⁽ᴸ⁾)``
(eq. 8, left to right; for symmetric ``H`` the reverse order is ``Pᵀ`` and
has the same norms), the *sum* ``S = e^(−β Σ_l H⁽ˡ⁾)`` (eq. 9).

Numerics. Symmetric operators are exponentiated through their eigenvectors
(``e^(−βH) = V e^(−βΛ) Vᵀ``, exact to rounding and cheap for many β); the
raw, non-symmetric matrices through ``torch.matrix_exp``. Matrices are kept as
``(log_scale, M̂)`` with ``e^(log_scale)·M̂`` the operator and ``M̂`` of unit
size, so β·‖H‖ of several hundred neither overflows nor underflows: relative
errors are invariant under ``H⁽ˡ⁾ → H⁽ˡ⁾ + c_l·I`` (both P and S pick up the
same factor ``e^(−βΣc_l)``), which is what makes this exact.
"""

from __future__ import annotations

import math

import torch

from isingformer.errors import InputError
from isingformer.validate import check_int

__all__ = [
    "bch2_relative",
    "boltzmann_product",
    "boltzmann_sum",
    "commutator",
    "commutator_norms",
    "product_vs_sum",
    "relative_error",
    "spectral_norm",
    "symmetric_part",
    "trotter_bound_log10",
    "trotter_product",
]

_EXP_MAX = 600.0  # beyond e^600 the relative error is its logarithm's business


def symmetric_part(H: torch.Tensor) -> torch.Tensor:
    """``(H + Hᵀ)/2`` over the last two dims (the part a quadratic form −Σ J_ij S_i S_j sees)."""
    return 0.5 * (H + H.transpose(-1, -2))


def commutator(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """``[A, B] = AB − BA`` (batched over leading dims)."""
    return A @ B - B @ A


def spectral_norm(X: torch.Tensor) -> torch.Tensor:
    """Operator 2-norm (largest singular value) of ``X [..., N, N]`` → ``[...]``."""
    return torch.linalg.matrix_norm(X, ord=2)


def _stack(H: torch.Tensor) -> torch.Tensor:
    """``H`` checked to be a stack ``[..., L, N, N]`` of L >= 1 square N >= 1 matrices."""
    if H.ndim < 3 or H.shape[-1] != H.shape[-2] or min(H.shape[-3:]) < 1:
        raise InputError(
            f"H must be a stack [..., L, N, N] of square matrices, got {tuple(H.shape)}"
        )
    if not torch.isfinite(H).all():
        raise InputError("H must be finite")
    return H


def commutator_norms(H: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``‖[H⁽ˡ⁾, H⁽ˡ'⁾]‖`` for all layer pairs: ``H [..., L, N, N]`` →
    ``(two_norm [..., L, L], frobenius [..., L, L])``, symmetric, zero diagonal."""
    L = _stack(H).shape[-3]
    two = H.new_zeros((*H.shape[:-3], L, L))
    fro = H.new_zeros((*H.shape[:-3], L, L))
    for a in range(L):
        for b in range(a + 1, L):
            C = commutator(H[..., a, :, :], H[..., b, :, :])
            two[..., a, b] = two[..., b, a] = spectral_norm(C)
            fro[..., a, b] = fro[..., b, a] = torch.linalg.matrix_norm(C)
    return two, fro


def _normalize(M: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    s = torch.linalg.matrix_norm(M).clamp_min(torch.finfo(M.dtype).tiny)  # Frobenius
    return s.log(), M / s[..., None, None]


def _beta(beta, H: torch.Tensor, extra: int) -> torch.Tensor:
    """β as a tensor broadcastable against ``H``'s batch dims plus ``extra``
    trailing dims: a scalar stays 0-d, a vector ``[K]`` becomes a new leading dim."""
    b = torch.as_tensor(beta, dtype=H.dtype, device=H.device)
    if not bool(torch.isfinite(b).all()) or bool((b < 0).any()):
        raise InputError(f"beta must be finite and >= 0, got {beta}")
    if b.ndim == 0:
        return b
    return b.reshape(-1, *([1] * (H.ndim - 2 + extra)))


def _gibbs_factors(H: torch.Tensor, beta, symmetric: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """``e^(−βH)`` of every matrix of ``H [..., N, N]`` as ``(log_scale [K?, ...], M̂)``."""
    if symmetric:
        vals, vecs = torch.linalg.eigh(H)  # ascending
        lo = vals[..., 0]
        w = torch.exp(-_beta(beta, H, 1) * (vals - lo[..., None]))  # in (0, 1]
        M = (vecs * w[..., None, :]) @ vecs.transpose(-1, -2)
        return -_beta(beta, H, 0) * lo, M
    lo = torch.linalg.eigvalsh(symmetric_part(H))[..., 0]  # log-norm shift: ‖e^(−β(H−lo))‖ ≤ 1
    eye = torch.eye(H.shape[-1], dtype=H.dtype, device=H.device)
    log_s, M = _expm(-_beta(beta, H, 2) * (H - lo[..., None, None] * eye))
    return log_s - _beta(beta, H, 0) * lo, M


def _expm(X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``e^X`` as ``(log_scale, M̂)``: ``torch.matrix_exp`` of ``X/2^s`` (norm ≤ 1),
    then s squarings, each renormalized, so that neither overflow nor
    underflow can occur however large ``‖X‖`` is."""
    top = float(torch.linalg.matrix_norm(X).max()) if X.numel() else 0.0
    s = max(0, math.ceil(math.log2(top))) if top > 1 else 0
    log_s, M = _normalize(torch.matrix_exp(X / 2**s))
    for _ in range(s):
        ls, M = _normalize(M @ M)
        log_s = 2 * log_s + ls
    return log_s, M


def _chain(log_s: torch.Tensor, M: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Ordered product over dim −3 of ``e^(log_s[..., l]) M[..., l, :, :]``."""
    total, P = log_s.sum(-1), M[..., 0, :, :]
    for layer in range(1, M.shape[-3]):
        ls, P = _normalize(P @ M[..., layer, :, :])
        total = total + ls
    return total, P


def _power(log_s: torch.Tensor, M: torch.Tensor, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(e^(log_s) M)^n`` by repeated squaring, renormalized at each step."""
    acc_log, acc = None, None
    base_log, base = log_s, M
    while n:
        if n & 1:
            if acc is None:
                acc_log, acc = base_log, base
            else:
                ls, acc = _normalize(acc @ base)
                acc_log = acc_log + base_log + ls
        n >>= 1
        if n:
            ls, base = _normalize(base @ base)
            base_log = 2 * base_log + ls
    return acc_log, acc


def boltzmann_product(H: torch.Tensor, beta: float, *, symmetric: bool = True):
    """``∏_l e^(−βH⁽ˡ⁾)`` as ``(log_scale [...], M̂ [..., N, N])`` for ``H [..., L, N, N]``."""
    return _chain(*_gibbs_factors(_stack(H), beta, symmetric))


def boltzmann_sum(H: torch.Tensor, beta: float, *, symmetric: bool = True):
    """``e^(−β Σ_l H⁽ˡ⁾)`` as ``(log_scale [...], M̂ [..., N, N])`` for ``H [..., L, N, N]``."""
    return _gibbs_factors(_stack(H).sum(-3), beta, symmetric)


def trotter_product(H: torch.Tensor, beta: float, n: int, *, symmetric: bool = True):
    """``(∏_l e^(−βH⁽ˡ⁾/n))^n`` as ``(log_scale, M̂)``; n = 1 is the plain product."""
    n = check_int(n, "Trotter number n", ge=1)
    return _power(*boltzmann_product(H, beta / n, symmetric=symmetric), n)


def relative_error(a, b) -> tuple[torch.Tensor, torch.Tensor]:
    """For operators ``a = (log_a, Â)`` and ``b = (log_b, B̂)``: ``‖A − B‖₂/‖B‖₂``
    and ``‖A/‖A‖ − B/‖B‖‖₂`` (the *shape* error: how differently the two
    operators act once normalized, ≤ 2). Returns ``(log10 relative, shape)``;
    the relative error is exact in log form even when it exceeds e^600."""
    (la, A), (lb, B) = a, b
    d = la - lb
    nb = spectral_norm(B)
    dc = d.clamp(max=_EXP_MAX)
    rel = spectral_norm(torch.exp(dc)[..., None, None] * A - B) / nb
    big = torch.log(spectral_norm(A) / nb) + d  # B negligible beside A
    log_rel = torch.where(d > _EXP_MAX, big, rel.clamp_min(1e-300).log())
    na = spectral_norm(A)
    shape = spectral_norm(A / na[..., None, None] - B / nb[..., None, None])
    return log_rel / math.log(10.0), shape


def product_vs_sum(H: torch.Tensor, beta: float, *, symmetric: bool = True):
    """``(log10 ‖P − S‖/‖S‖, shape error)`` of the product against the sum, ``[...]``."""
    return relative_error(
        boltzmann_product(H, beta, symmetric=symmetric), boltzmann_sum(H, beta, symmetric=symmetric)
    )


def _bch2_generator(H: torch.Tensor) -> torch.Tensor:
    """``½ Σ_{l<l'} [H⁽ˡ⁾, H⁽ˡ'⁾]`` (so that ``log P = −βΣH + β²·this + O(β³)``)."""
    L = H.shape[-3]
    C = torch.zeros_like(H[..., 0, :, :])
    for a in range(L):
        for b in range(a + 1, L):
            C = C + commutator(H[..., a, :, :], H[..., b, :, :])
    return 0.5 * C


def bch2_relative(H: torch.Tensor, beta: float) -> torch.Tensor:
    """Second-order BCH prediction of ``‖P − S‖/‖S‖`` for symmetric ``H [..., L, N, N]``.

    By BCH, ``P = e^(A + C + O(β³))`` with ``A = −βΣH`` and
    ``C = (β²/2) Σ_{l<l'} [H⁽ˡ⁾, H⁽ˡ'⁾]``, so ``P − S ≈ L_exp(A, C)``, the
    Fréchet derivative of the exponential at A in direction C. In the
    eigenbasis of A it is ``C̃_ij (e^(a_i) − e^(a_j))/(a_i − a_j)``, computed
    here in closed form (stable divided differences). Returns ``[...]``.
    """
    Hs = _stack(H).sum(-3)
    vals, W = torch.linalg.eigh(Hs)
    a = -_beta(beta, Hs, 1) * vals  # [K?, ..., N]
    a = a - a.max(-1, keepdim=True).values  # ‖e^A‖ normalized to 1
    ai, aj = a[..., :, None], a[..., None, :]
    m, gap = torch.maximum(ai, aj), (ai - aj).abs()
    dd = torch.where(gap > 1e-12, -torch.expm1(-gap) / gap.clamp_min(1e-300), 1.0 - gap / 2)
    phi = torch.exp(m) * dd  # divided difference of exp
    Ct = W.transpose(-1, -2) @ _bch2_generator(H) @ W
    # W is orthogonal: the same 2-norm in either basis
    return spectral_norm(_beta(beta, Hs, 2) ** 2 * Ct * phi)


def trotter_bound_log10(H: torch.Tensor, beta: float, n: int) -> torch.Tensor:
    """log10 of the standard first-order Trotter bound on ``‖T_n − S‖/‖S‖``
    for symmetric ``H [..., L, N, N]``:
    ``(β²/2n) Σ_{l<l'} ‖[H⁽ˡ⁾,H⁽ˡ'⁾]‖ · exp(β Σ_l ‖H⁽ˡ⁾ − c_l‖)``, with each
    ``H⁽ˡ⁾`` centred (``c_l`` the middle of its spectrum, which minimizes the
    norms; the commutators do not change), divided by ``‖S‖`` of the centred sum."""
    n = check_int(n, "Trotter number n", ge=1)
    vals = torch.linalg.eigvalsh(_stack(H))  # [..., L, N]
    mid = 0.5 * (vals[..., 0] + vals[..., -1])
    half = 0.5 * (vals[..., -1] - vals[..., 0])  # ‖H⁽ˡ⁾ − c_l‖
    lo_sum = torch.linalg.eigvalsh(H.sum(-3))[..., 0] - mid.sum(-1)
    two, _ = commutator_norms(H)
    pair = torch.triu(two, diagonal=1).sum((-1, -2)).clamp_min(1e-300)
    b = _beta(beta, H.sum(-3), 0)
    ln = torch.log(b**2 / (2 * n)) + pair.log() + b * (half.sum(-1) + lo_sum)
    return ln / math.log(10.0)
