"""Controls with known answers for the layer analysis.

- :func:`commuting_family`: diagonal layer Hamiltonians (they commute), so the
  product of Boltzmann operators equals the exponential of the sum exactly.
- :func:`two_level_pair` / :func:`two_level_error`: ``H⁽¹⁾ = aσ_z``,
  ``H⁽²⁾ = bσ_x``, whose product-vs-sum error is known in closed form.
- :func:`perturbed_family`: ``H⁽ˡ⁾ = H₀ + δR_l`` (``R_l`` random symmetric):
  commutators vanish linearly in δ and the measured error matches the
  second-order BCH prediction as β → 0.
- :func:`certified_product_vs_sum`: the relative Frobenius error of a small
  case in ball arithmetic (python-flint ``arb_mat.exp``), so float64 results
  can be checked against certified digits.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from isingformer.errors import InputError

__all__ = [
    "certified_product_vs_sum",
    "commuting_family",
    "perturbed_family",
    "two_level_error",
    "two_level_pair",
]


def _sym(gen: torch.Generator, n: int, count: int) -> torch.Tensor:
    X = torch.randn(count, n, n, generator=gen, dtype=torch.float64)
    return (X + X.transpose(-1, -2)) / math.sqrt(2 * n)  # GOE, spectrum in ~[−2, 2]


def commuting_family(n_layers: int, size: int, seed: int = 0) -> torch.Tensor:
    """``[L, N, N]`` diagonal matrices with N(0, 1) entries (mutually commuting)."""
    g = torch.Generator().manual_seed(seed)
    return torch.diag_embed(torch.randn(n_layers, size, generator=g, dtype=torch.float64))


def perturbed_family(n_layers: int, size: int, delta: float, seed: int = 0) -> torch.Tensor:
    """``[L, N, N]``: ``H₀ + δ R_l`` with ``H₀``, ``R_l`` independent GOE matrices
    (spectral norm ≈ 2). δ = 0 gives identical (commuting) layers."""
    g = torch.Generator().manual_seed(seed)
    H0 = _sym(g, size, 1)
    R = _sym(g, size, n_layers)
    return H0 + delta * R


def two_level_pair(a: float, b: float) -> torch.Tensor:
    """``[2, 2, 2]``: ``H⁽¹⁾ = aσ_z``, ``H⁽²⁾ = bσ_x``; ``‖[H⁽¹⁾, H⁽²⁾]‖₂ = 2|ab|``."""
    sz = torch.tensor([[1.0, 0.0], [0.0, -1.0]], dtype=torch.float64)
    sx = torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float64)
    return torch.stack([a * sz, b * sx])


def two_level_error(a: float, b: float, beta: float) -> float:
    """Closed form of ``‖e^(−βaσ_z) e^(−βbσ_x) − e^(−β(aσ_z + bσ_x))‖₂ / ‖e^(−β(aσ_z+bσ_x))‖₂``.

    With ``e^(−θσ) = cosh θ − σ sinh θ`` for a unit Pauli direction σ,
    ``σ_zσ_x = iσ_y = [[0, 1], [−1, 0]]`` and ``r = sqrt(a² + b²)``:
    ``P = c_a c_b − s_a c_b σ_z − c_a s_b σ_x + s_a s_b iσ_y`` and
    ``S = cosh βr − (sinh βr / r)(aσ_z + bσ_x)`` (``‖S‖₂ = e^(βr)``); the
    2 x 2 difference's largest singular value is
    ``sqrt((F + sqrt(F² − 4 det²))/2)`` with F its squared Frobenius norm.
    """
    ca, sa = math.cosh(beta * a), math.sinh(beta * a)
    cb, sb = math.cosh(beta * b), math.sinh(beta * b)
    r = math.hypot(a, b)
    cr = math.cosh(beta * r)
    sr = math.sinh(beta * r) / r if r > 0 else beta
    # D = P − S = α I + x σ_z + y σ_x + w iσ_y
    alpha = ca * cb - cr
    x = -sa * cb + sr * a
    y = -ca * sb + sr * b
    w = sa * sb
    D = np.array([[alpha + x, y + w], [y - w, alpha - x]])
    F = float((D**2).sum())
    det = float(np.linalg.det(D))
    smax = math.sqrt(max(0.0, (F + math.sqrt(max(0.0, F * F - 4 * det * det))) / 2))
    return smax / math.exp(beta * r)


def certified_product_vs_sum(H, beta: float, prec: int = 128) -> tuple[float, float]:
    """``‖P − S‖_F / ‖S‖_F`` for small ``H [L, N, N]`` in ball arithmetic.

    Every matrix exponential is python-flint's rigorous ``arb_mat.exp`` at
    ``prec`` bits, products and norms are ball operations, so the true value
    lies in ``[mid − rad, mid + rad]``. Returns ``(mid, rad)``. Needs
    python-flint; raises :class:`InputError` without it or for N > 64.
    """
    try:
        from flint import arb_mat, ctx
    except ImportError:
        raise InputError("certified checks need python-flint (pip install python-flint)") from None
    Hn = np.asarray(torch.as_tensor(H, dtype=torch.float64).cpu())
    if Hn.ndim != 3 or Hn.shape[1] != Hn.shape[2] or Hn.shape[1] > 64:
        raise InputError(f"certified check needs H of shape [L, N, N] with N <= 64, got {Hn.shape}")
    old = ctx.prec
    ctx.prec = prec
    try:
        mats = [arb_mat(h.tolist()) for h in Hn]
        P = None
        for m in mats:
            e = (m * (-beta)).exp()
            P = e if P is None else P * e
        total = mats[0]
        for m in mats[1:]:
            total = total + m
        S = (total * (-beta)).exp()
        D = P - S
        n = Hn.shape[1]
        num = sum(D[i, j] ** 2 for i in range(n) for j in range(n)).sqrt()
        den = sum(S[i, j] ** 2 for i in range(n) for j in range(n)).sqrt()
        q = num / den
        return float(q.mid()), float(q.rad()) + abs(float(q.mid())) * 2.0**-52
    finally:
        ctx.prec = old
