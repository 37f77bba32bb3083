"""Hyperbolic attention: logits ``−β d_H(q_i, k_j)`` in the Poincaré ball.

Seed 001 §4 (eq. 7–10) proposes attention weights ``A_ij ∝ exp(−β d_H)``
with ``d_H`` the distance of a hyperbolic space of curvature ``κ < 0``. Here
``c = −κ = |κ|``, ``s = sqrt(c)``, and the Poincaré ball of radius ``1/s``:

    d_c(x, y) = (1/s) arccosh(1 + 2c|x − y|² / ((1 − c|x|²)(1 − c|y|²)))
              = (2/s) artanh(s |(−x) ⊕_c y|)                 (Möbius form)

Queries and keys are the model's linear projections ``u`` read as tangent
vectors at the origin and mapped into the ball by ``exp_0(u) = tanh(s|u|)
u/(s|u|)`` (so ``d_c(0, exp_0(u)) = 2|u|``). For such points the distance has
a cancellation-free form (the hyperbolic law of cosines rewritten as a sum of
two non-negative terms), with ``a = s|u|``, ``b = s|v|``:

    r² = sinh²(a − b) + ¼ sinh(2a) sinh(2b) |û − v̂|²,   d = (2/s) asinh(r)

which :func:`tangent_distance` evaluates pairwise with one matmul. It never
forms ball coordinates, so there is no ``1 − c|x|²`` to underflow near the
boundary, and it has a finite limit as ``κ → 0``: ``d → 2|u − v|`` (the
Poincaré ball's conformal factor 2 at the origin), i.e. hyperbolic attention
at β becomes Euclidean-distance attention at ``2β``.

Values are aggregated in the tangent space at the origin by default (the
ordinary ``softmax @ V``: values stay Euclidean, the geometry lives in the
logits), or with ``aggregate="einstein"`` by the weighted Einstein midpoint
in the Klein model (Gulcehre et al. 2019), written in tangent coordinates:
``m = Σ α_j sinh(2b_j) v̂_j / Σ α_j cosh(2b_j)``, ``y = artanh(|m|)/(2s) m̂``.

Pure torch rather than geoopt: the attention needs the *pairwise* distance
matrix of tangent vectors in one matmul (geoopt's ``dist`` broadcasts point
pairs, ``[L, L, d]`` memory), and the tangent form above is more stable than
going through ball coordinates. :func:`poincare_distance` and
:func:`mobius_add` are the textbook formulas on ball points, kept for tests
and for users.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from isingformer.attention.bias import PositionalBias, make_positional_bias
from isingformer.attention.policies import BetaPolicy, make_beta_policy
from isingformer.errors import InputError

__all__ = [
    "AGGREGATIONS",
    "HyperbolicAttention",
    "einstein_midpoint",
    "expmap0",
    "logmap0",
    "mobius_add",
    "poincare_distance",
    "tangent_distance",
]

AGGREGATIONS = ("tangent", "einstein")
_MAX_TANGENT = 10.0  # s|u| is clipped here: ball norm tanh(10) = 1 − 4e-9


def _sqrt_c(curvature, like: torch.Tensor) -> torch.Tensor:
    """``sqrt(|κ|)`` as a tensor on ``like``'s device/dtype (κ < 0 required)."""
    k = torch.as_tensor(curvature, dtype=like.dtype, device=like.device)
    if not torch.isfinite(k).all() or (k >= 0).any():
        raise InputError(f"curvature must be finite and < 0, got {k.detach().cpu().tolist()}")
    return (-k).sqrt()


def expmap0(u: torch.Tensor, curvature: float | torch.Tensor = -1.0) -> torch.Tensor:
    """Exponential map at the origin: tangent ``u [..., d]`` → ball point ``[..., d]``."""
    s = _sqrt_c(curvature, u)
    n = u.norm(dim=-1, keepdim=True).clamp_min(torch.finfo(u.dtype).tiny)
    return torch.tanh(s * n) * u / (s * n)


def logmap0(x: torch.Tensor, curvature: float | torch.Tensor = -1.0) -> torch.Tensor:
    """Logarithmic map at the origin: ball point ``x [..., d]`` → tangent ``[..., d]``."""
    s = _sqrt_c(curvature, x)
    eps = torch.finfo(x.dtype).eps
    n = x.norm(dim=-1, keepdim=True).clamp_min(torch.finfo(x.dtype).tiny)
    return torch.atanh((s * n).clamp_max(1 - eps)) * x / (s * n)


def mobius_add(
    x: torch.Tensor, y: torch.Tensor, curvature: float | torch.Tensor = -1.0
) -> torch.Tensor:
    """Möbius addition ``x ⊕_c y`` of ball points (broadcast over ``[..., d]``)."""
    c = _sqrt_c(curvature, x) ** 2
    xy = (x * y).sum(-1, keepdim=True)
    x2 = (x * x).sum(-1, keepdim=True)
    y2 = (y * y).sum(-1, keepdim=True)
    num = (1 + 2 * c * xy + c * y2) * x + (1 - c * x2) * y
    return num / (1 + 2 * c * xy + c * c * x2 * y2).clamp_min(torch.finfo(x.dtype).tiny)


def poincare_distance(
    x: torch.Tensor, y: torch.Tensor, curvature: float | torch.Tensor = -1.0
) -> torch.Tensor:
    """Geodesic distance of ball points ``x, y [..., d]`` (broadcast) → ``[...]``.

    The arccosh form with ``1 − c|x|²`` clamped at the dtype's resolution, so
    points at norm ``1 − 1e-7`` (or on the boundary after rounding) give large
    finite distances, never NaN or inf.
    """
    s = _sqrt_c(curvature, x)
    c = s * s
    tiny = torch.finfo(x.dtype).tiny
    eps = torch.finfo(x.dtype).eps
    diff2 = ((x - y) ** 2).sum(-1)
    den = (1 - c * (x * x).sum(-1)).clamp_min(eps) * (1 - c * (y * y).sum(-1)).clamp_min(eps)
    r2 = (c * diff2 / den).clamp_min(tiny)  # = z/2, z = 2c|x−y|²/den
    return 2 * torch.asinh(r2.sqrt()) / s


def _split(u: torch.Tensor, s: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(a = min(s|u|, 10) [..., 1], û [..., d])`` (û = 0 for u = 0)."""
    n = u.norm(dim=-1, keepdim=True)
    a = (s * n).clamp_max(_MAX_TANGENT)
    return a, u / n.clamp_min(torch.finfo(u.dtype).tiny)


def _half_sinh(u: torch.Tensor, v: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """``r = sinh(s d / 2)`` pairwise, ``[..., L, M]``:
    ``r² = sinh²(a − b) + ¼ sinh 2a sinh 2b |û − v̂|²``, both terms ≥ 0.

    (Expanding both terms gives a single matmul of ``d + 2``-vectors, ~25 %
    faster, but it loses the exact zero at ``u = v``: ``d(u, u)`` ~ 1e-4 in
    float64 at ``s|u| ≈ 4``; not taken.)"""
    a, uh = _split(u, s)  # [..., L, 1], [..., L, d]
    b, vh = _split(v, s)  # [..., M, 1], [..., M, d]
    b = b.transpose(-1, -2)  # [..., 1, M]
    dirs = (uh * uh).sum(-1, keepdim=True) + (vh * vh).sum(-1)[..., None, :] - 2 * uh @ vh.mT
    r2 = torch.sinh(a - b) ** 2 + 0.25 * torch.sinh(2 * a) * torch.sinh(2 * b) * dirs.clamp_min(0)
    return r2.clamp_min(torch.finfo(u.dtype).tiny).sqrt()


def tangent_distance(
    u: torch.Tensor, v: torch.Tensor, curvature: float | torch.Tensor = -1.0
) -> torch.Tensor:
    """Pairwise ``d_c(exp_0(u_i), exp_0(v_j))`` for ``u [..., L, d]``, ``v [..., M, d]``
    → ``[..., L, M]``.

    ``curvature``: a float, or a tensor broadcastable to ``[..., 1, 1]`` (e.g.
    ``[H, 1, 1]`` per head). Tangent norms are clipped at ``s|u| = 10``.
    Finite for every input, with finite gradients (the square root is taken
    of ``r²`` clamped at the smallest normal number).
    """
    s = _sqrt_c(curvature, u)
    return torch.asinh(_half_sinh(u, v, s)) * (2 / s)


def einstein_midpoint(
    weights: torch.Tensor, v: torch.Tensor, curvature: float | torch.Tensor = -1.0
) -> torch.Tensor:
    """Weighted Einstein midpoint of the points ``exp_0(v_j)``, returned as a
    tangent vector at the origin: ``weights [..., L, M]`` (rows summing to 1),
    ``v [..., M, d]`` → ``[..., L, d]``. Tends to ``weights @ v`` as κ → 0."""
    s = _sqrt_c(curvature, v)
    b, vh = _split(v, s)  # [..., M, 1], [..., M, d]
    num = weights @ (torch.sinh(2 * b) * vh)  # [..., L, d]
    den = weights @ torch.cosh(2 * b)  # [..., L, 1]
    m = num / den  # Klein point scaled by s: |m| < 1
    eps = torch.finfo(v.dtype).eps
    n = m.norm(dim=-1, keepdim=True).clamp(min=torch.finfo(v.dtype).tiny, max=1 - eps)
    return torch.atanh(n) / (2 * s) * m / n


class HyperbolicAttention(nn.Module):
    """Multi-head self-attention with logits ``−β_h d_c(q_i, k_j) + P_ij``.

    Args:
        d_model, n_heads: width and heads (``d_head = d_model // n_heads``).
        curvature: κ < 0, one float or one per head.
        learn_curvature: make ``log|κ_h|`` a trainable parameter (init from ``curvature``).
        aggregate: ``"tangent"`` (``softmax @ V``, default) or ``"einstein"``.
        policy, policy_kwargs: a β policy (see :mod:`isingformer.attention.policies`);
            β_h is ``policy.beta()``. ``log_length`` and ``qk_norm`` contribute
            their β at the reference length / their gain (their position
            dependence and q, k normalisation are dot-product constructions).
        bias, bias_kwargs: positional bias added to the logits (``none``,
            ``periodic``, ``alibi``).
        causal, dropout, max_len: as :class:`~isingformer.attention.BetaAttention`.

    With ``capture = True``, ``forward`` stores ``last_q = I`` and ``last_k =
    −Dᵀ`` (``[B, H, L, L]``, D the β-free distance matrix) so that ``−last_q ·
    last_k = d_H``: every consumer of ``(last_q, last_k)`` — the ``critical``
    policy's ``calibrate``, :func:`~isingformer.attention.measure_critical_beta`
    — measures the *hyperbolic* ensemble ``p_ij ∝ exp(−β d_H)``.
    """

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        *,
        curvature: float | list[float] = -1.0,
        learn_curvature: bool = False,
        aggregate: str = "tangent",
        policy: str | BetaPolicy = "sqrt_dk",
        bias: str = "none",
        causal: bool = True,
        dropout: float = 0.0,
        max_len: int = 1024,
        policy_kwargs: dict | None = None,
        bias_kwargs: dict | None = None,
    ) -> None:
        super().__init__()
        if n_heads < 1 or d_model < 1 or d_model % n_heads:
            raise InputError(
                f"d_model ({d_model}) must be a positive multiple of n_heads ({n_heads})"
            )
        if aggregate not in AGGREGATIONS:
            raise InputError(f"aggregate must be one of {AGGREGATIONS}, got {aggregate!r}")
        if not 0.0 <= dropout < 1.0:
            raise InputError(f"dropout must lie in [0, 1), got {dropout}")
        kappa = torch.as_tensor(curvature, dtype=torch.float64).reshape(-1)
        if kappa.numel() == 1:
            kappa = kappa.expand(n_heads).clone()
        if kappa.numel() != n_heads or not torch.isfinite(kappa).all() or (kappa >= 0).any():
            raise InputError(
                f"curvature needs 1 or {n_heads} finite values < 0, got {kappa.tolist()}"
            )
        log_c = (-kappa).log().float()
        if learn_curvature:
            self.log_c = nn.Parameter(log_c)
        else:
            self.register_buffer("log_c", log_c)
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.causal, self.dropout, self.max_len = bool(causal), float(dropout), int(max_len)
        self.aggregate = aggregate
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        if isinstance(policy, BetaPolicy):
            if policy.n_heads != n_heads:
                raise InputError(f"the policy has {policy.n_heads} heads, the module {n_heads}")
            self.policy = policy
        else:
            self.policy = make_beta_policy(
                policy, n_heads, self.d_head, max_len=max_len, **(policy_kwargs or {})
            )
        self.policy.causal = self.causal
        self.pos_bias: PositionalBias = make_positional_bias(bias, n_heads, **(bias_kwargs or {}))
        self.capture = False
        self.last_q: torch.Tensor | None = None
        self.last_k: torch.Tensor | None = None
        self.last_mask: torch.Tensor | None = None

    def curvature(self) -> torch.Tensor:
        """κ per head, ``[H]`` (negative)."""
        return -self.log_c.exp()

    def _project(self, x: torch.Tensor):
        B, L, D = x.shape
        if self.d_model != D:
            raise InputError(f"expected input width {self.d_model}, got {D}")
        q, k, v = self.qkv(x).split(self.d_model, dim=-1)
        q, k, v = (t.view(B, L, self.n_heads, self.d_head).transpose(1, 2) for t in (q, k, v))
        s = (-self.curvature()).sqrt().to(q.dtype)[:, None, None]  # [H, 1, 1]
        return torch.asinh(_half_sinh(q, k, s)), s, v  # d = 2 asinh(r) / s

    def distances(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(D [B, H, L, L], v [B, H, L, d_head])``: β-free hyperbolic distances
        of the heads' queries to their keys, and the values, for ``x [B, L, d_model]``."""
        half, s, v = self._project(x)
        return half * (2 / s), v

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x [B, L, d_model]`` → ``[B, L, d_model]``."""
        B, L, _ = x.shape
        half, s, v = self._project(x)  # asinh(r) [B, H, L, L], [H, 1, 1], [B, H, L, d]
        if self.capture:
            dist = (half * (2 / s)).detach()
            eye = torch.eye(L, dtype=dist.dtype, device=x.device).expand(B, self.n_heads, L, L)
            self.last_q, self.last_k = eye, -dist.transpose(-1, -2)
            self.last_mask = None
        beta = self.policy.beta().to(dtype=half.dtype, device=x.device)[:, None, None]
        logits = half * (-2 * beta / s)  # −β d_H in one pass over [L, L]
        bias = self.pos_bias(L, device=x.device, dtype=half.dtype)
        if bias is not None:
            logits = logits + bias
        if self.causal:
            future = torch.ones(L, L, dtype=torch.bool, device=x.device).triu(1)
            logits = logits.masked_fill(future, float("-inf"))
        w = torch.softmax(logits, dim=-1)
        if self.training and self.dropout > 0:
            w = F.dropout(w, self.dropout)
        if self.aggregate == "einstein":
            y = einstein_midpoint(w, v, self.curvature().to(v.dtype)[:, None, None])
        else:
            y = w @ v
        return self.out(y.transpose(1, 2).reshape(B, L, self.d_model))

    def extra_repr(self) -> str:
        kappa = [round(float(k), 4) for k in self.curvature()]
        return (
            f"d_model={self.d_model}, n_heads={self.n_heads}, curvature={kappa}, "
            f"aggregate={self.aggregate}, policy={self.policy.name}, causal={self.causal}"
        )
