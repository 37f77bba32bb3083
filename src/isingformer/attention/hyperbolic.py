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
    "MANIFOLDS",
    "HyperbolicAttention",
    "einstein_midpoint",
    "expmap0",
    "hyperbolic_logits",
    "logmap0",
    "lorentz_distance",
    "lorentz_expmap0",
    "lorentz_inner",
    "lorentz_logmap0",
    "lorentz_midpoint",
    "lorentz_tangent_distance",
    "lorentz_to_poincare",
    "mobius_add",
    "poincare_distance",
    "poincare_to_lorentz",
    "tangent_distance",
]

AGGREGATIONS = ("tangent", "einstein")
MANIFOLDS = ("poincare", "lorentz")
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


class _HalfDistance(torch.autograd.Function):
    """``c · asinh(r)`` pairwise from the split tangent vectors, with an
    analytic backward. Fresh ``L × L`` buffers and passes over them, not
    arithmetic, dominate the cost on a CPU, so the forward works in place and
    leaves two ``[.., L, M]`` tensors for the backward, which is then two
    products with the incoming gradient feeding two sums and two matmuls.

    Inputs ``uh [.., L, d]``, ``vh [.., M, d]`` (unit or zero rows), ``a [.., L, 1]``,
    ``b [.., 1, M]`` (``s|u|``, ``s|v|``), ``c`` a constant factor (tensor
    broadcastable to ``[.., 1, 1]``, no gradient). With ``D = a − b``,
    ``r² = sinh² D + ¼ sinh 2a sinh 2b · δ``, ``δ = |û|² + |v̂|² − 2 û·v̂``.
    Every elementwise pass is a vectorised ``exp``/``log``/``sqrt``-family op
    (torch's ``sinh`` and ``asinh`` are scalar loops on CPU, 5-20x slower):
    ``2 sinh D = e + e/t``, ``2 cosh D = 2 + e − e/t`` with ``e = expm1 D``,
    ``t = 1 + e``, and ``asinh r = log1p(r + r²/(1 + sqrt(1 + r²)))``, both
    accurate to a few ulp also for small arguments.

    Saved: ``P3 = 1/(2 r sqrt(1 + r²)) = ∂ρ/∂r²`` (set to 0 at ``r = 0``,
    coincident points, where every ``∂r²/∂·`` vanishes and the distance is
    not differentiable) and ``P1 = 4 sinh D cosh D P3``; the sums of the
    angular term's derivatives are expanded through δ's bilinear form, so
    they come out of the two matmuls that give the gradients of û and v̂.
    """

    @staticmethod
    def forward(ctx, uh, vh, a, b, c):
        delta = torch.matmul(uh * -2, vh.mT)
        delta.add_((uh * uh).sum(-1, keepdim=True)).add_((vh * vh).sum(-1)[..., None, :])
        delta.clamp_min_(0)
        e = torch.sub(a, b).expm1_()  # [.., L, M]
        sh = (e + 1).reciprocal_().mul_(e).add_(e)  # e/t + e = 2 sinh D
        ch = e.mul_(2).sub_(sh).add_(2)  # 2 + e − e/t = 2 cosh D
        sa, sb = torch.sinh(2 * a), torch.sinh(2 * b)
        r2 = (delta * (0.25 * sa)).mul_(sb).addcmul_(sh, sh, value=0.25)  # ≥ 0 termwise
        r = r2.sqrt()
        sq = (r2 + 1).sqrt_().add_(1)  # 1 + sqrt(1 + r²)
        rho = r2.div_(sq).add_(r).log1p_().mul_(c)
        p3 = r.mul_(sq.sub_(1)).mul_(2).reciprocal_().nan_to_num_(posinf=0.0)
        p1 = sh.mul_(ch).mul_(p3)
        ctx.save_for_backward(uh, vh, a, b, c, p1, p3)
        return rho

    @staticmethod
    def backward(ctx, g):
        uh, vh, a, b, c, p1, p3 = ctx.saved_tensors
        sa, sb = torch.sinh(2 * a), torch.sinh(2 * b).mT  # [.., L, 1], [.., M, 1]
        nu, nv = (uh * uh).sum(-1, keepdim=True), (vh * vh).sum(-1, keepdim=True)
        w = torch.mul(g, p1)  # ∂r²/∂a from sinh² D: sinh 2D = P1/(2 P3)
        ga, gb = w.sum(-1, keepdim=True), -w.sum(-2).unsqueeze(-1)  # [.., L, 1], [.., M, 1]
        # the angular term ¼ sinh 2a sinh 2b δ, δ = |û|² + |v̂|² − 2 û·v̂: every sum
        # over W = g P3 it needs comes from one matmul per side
        torch.mul(g, p3, out=w)
        d = uh.shape[-1]
        y = torch.matmul(w, torch.cat([vh * sb, sb, sb * nv], -1))  # [.., L, d + 2]
        z = torch.matmul(w.mT, torch.cat([uh * sa, sa, sa * nu], -1))  # [.., M, d + 2]
        yv, ys, yn = y[..., :d], y[..., d : d + 1], y[..., d + 1 :]
        zu, zs, zn = z[..., :d], z[..., d : d + 1], z[..., d + 1 :]
        wd_a = nu * ys + yn - 2 * (uh * yv).sum(-1, keepdim=True)  # Σ_j W δ sinh 2b
        wd_b = nv * zs + zn - 2 * (vh * zu).sum(-1, keepdim=True)  # Σ_i W δ sinh 2a
        ga = (ga + torch.cosh(2 * a) * wd_a) * (0.5 * c)
        gb = ((gb + torch.cosh(2 * b).mT * wd_b) * (0.5 * c)).mT
        guh = (0.5 * c * sa) * (uh * ys - yv)
        gvh = (0.5 * c * sb) * (vh * zs - zu)
        grads = (guh, gvh, ga, gb)
        return (*(_unbroadcast(x, y) for x, y in zip(grads, (uh, vh, a, b), strict=True)), None)


def _unbroadcast(grad: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Sum ``grad`` over the dimensions ``like`` was broadcast along."""
    while grad.dim() > like.dim():
        grad = grad.sum(0)
    dims = [i for i, n in enumerate(like.shape) if n == 1 and grad.shape[i] != 1]
    return grad.sum(dims, keepdim=True) if dims else grad


def _rho(
    u: torch.Tensor, v: torch.Tensor, s: torch.Tensor, factor: torch.Tensor | float | None = None
) -> torch.Tensor:
    """``factor · ρ``, ``ρ = asinh(r) = s d / 2`` pairwise, ``[..., L, M]``, with
    ``r² = sinh²(a − b) + ¼ sinh 2a sinh 2b |û − v̂|²``, both terms ≥ 0.

    (Expanding both terms gives a single matmul of ``d + 2``-vectors, but it
    loses the exact zero at ``u = v``: ``d(u, u)`` ~ 1e-4 in float64 at
    ``s|u| ≈ 4``; not taken.)"""
    a, uh = _split(u, s)  # [..., L, 1], [..., L, d]
    b, vh = _split(v, s)  # [..., M, 1], [..., M, d]
    if factor is None or (isinstance(factor, torch.Tensor) and factor.requires_grad):
        rho = _HalfDistance.apply(uh, vh, a, b.transpose(-1, -2), torch.ones((), dtype=u.dtype))
        return rho if factor is None else rho * factor
    factor = torch.as_tensor(factor, dtype=u.dtype, device=u.device)
    return _HalfDistance.apply(uh, vh, a, b.transpose(-1, -2), factor)


def hyperbolic_logits(
    q: torch.Tensor,
    k: torch.Tensor,
    curvature: float | torch.Tensor = -1.0,
    beta: float | torch.Tensor = 1.0,
) -> torch.Tensor:
    """Attention logits ``−β d_c(exp_0(q_i), exp_0(k_j))`` for ``q [..., L, d]``,
    ``k [..., M, d]`` → ``[..., L, M]``, the factor ``−2β/s`` folded into the
    one fused pass (the attention layer's core; ``curvature`` and ``beta`` are
    floats or tensors broadcastable to ``[..., 1, 1]``)."""
    s = _sqrt_c(curvature, q)
    return _rho(q, k, s, -2 * torch.as_tensor(beta, dtype=q.dtype, device=q.device) / s)


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
    return _rho(u, v, s, 2 / s)


def einstein_midpoint(
    weights: torch.Tensor, v: torch.Tensor, curvature: float | torch.Tensor = -1.0
) -> torch.Tensor:
    """Weighted Einstein midpoint of the points ``exp_0(v_j)``, returned as a
    tangent vector at the origin: ``weights [..., L, M]`` (rows summing to 1),
    ``v [..., M, d]`` → ``[..., L, d]``. Tends to ``weights @ v`` as κ → 0."""
    s = _sqrt_c(curvature, v)
    b, vh = _split(v, s)  # [..., M, 1], [..., M, d]
    nd = weights @ torch.cat([torch.sinh(2 * b) * vh, torch.cosh(2 * b)], -1)  # one pass
    num, inv_den = nd[..., :-1], 1 / nd[..., -1:]  # m = num / den: Klein point · s, |m| < 1
    eps = torch.finfo(v.dtype).eps
    n = (num.norm(dim=-1, keepdim=True) * inv_den).clamp(min=torch.finfo(v.dtype).tiny, max=1 - eps)
    return num * (torch.atanh(n) / (2 * s * n) * inv_den)  # per-row factor: one pass over [L, d]


# --- the Lorentz (hyperboloid) model -------------------------------------
# Points x = (x_0, x_s) in R^{d+1} with <x, x>_L = −x_0² + |x_s|² = −1/c,
# x_0 > 0; origin o = (1/s, 0). d(x, y) = arccosh(−c <x, y>_L) / s.


def lorentz_inner(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Minkowski product ``−x_0 y_0 + x_s·y_s`` of ``[..., d+1]`` points → ``[...]``."""
    prod = x * y
    return prod[..., 1:].sum(-1) - prod[..., 0]


def lorentz_expmap0(u: torch.Tensor, curvature: float | torch.Tensor = -1.0) -> torch.Tensor:
    """Exponential map at the origin ``o``: tangent ``u [..., d]`` → hyperboloid
    point ``[..., d+1]`` ``(cosh(s|u|)/s, sinh(s|u|) û/s)``, at distance ``|u|`` from ``o``."""
    s = _sqrt_c(curvature, u)
    n = u.norm(dim=-1, keepdim=True)
    a = s * n
    uh = u / n.clamp_min(torch.finfo(u.dtype).tiny)
    return torch.cat([torch.cosh(a) / s, torch.sinh(a) * uh / s], dim=-1)


def lorentz_logmap0(x: torch.Tensor, curvature: float | torch.Tensor = -1.0) -> torch.Tensor:
    """Logarithmic map at ``o``: hyperboloid point ``[..., d+1]`` → tangent ``[..., d]``."""
    s = _sqrt_c(curvature, x)
    xs = x[..., 1:]
    n = xs.norm(dim=-1, keepdim=True)
    dist = torch.asinh(s * n) / s  # asinh(s|x_s|): no cancellation, unlike arccosh(s x_0)
    return dist * xs / n.clamp_min(torch.finfo(x.dtype).tiny)


def lorentz_distance(
    x: torch.Tensor, y: torch.Tensor, curvature: float | torch.Tensor = -1.0
) -> torch.Tensor:
    """Textbook ``arccosh(−c <x, y>_L) / s`` of hyperboloid points (broadcast) →
    ``[...]``, the argument clamped at 1 + eps (no NaN; it loses resolution for
    near points far from ``o``, where :func:`lorentz_tangent_distance` does not)."""
    s = _sqrt_c(curvature, x)
    z = (-(s * s) * lorentz_inner(x, y)).clamp_min(1 + torch.finfo(x.dtype).eps)
    return torch.acosh(z) / s


def poincare_to_lorentz(p: torch.Tensor, curvature: float | torch.Tensor = -1.0) -> torch.Tensor:
    """The standard isometry ball → hyperboloid: ``[..., d]`` → ``[..., d+1]``,
    ``x = ((1 + c|p|²)/s, 2p) / (1 − c|p|²)``."""
    s = _sqrt_c(curvature, p)
    c = s * s
    p2 = (p * p).sum(-1, keepdim=True)
    den = (1 - c * p2).clamp_min(torch.finfo(p.dtype).eps)
    return torch.cat([(1 + c * p2) / (s * den), 2 * p / den], dim=-1)


def lorentz_to_poincare(x: torch.Tensor, curvature: float | torch.Tensor = -1.0) -> torch.Tensor:
    """The inverse isometry hyperboloid → ball: ``p = x_s / (1 + s x_0)``."""
    s = _sqrt_c(curvature, x)
    return x[..., 1:] / (1 + s * x[..., :1])


def lorentz_tangent_distance(
    u: torch.Tensor, v: torch.Tensor, curvature: float | torch.Tensor = -1.0
) -> torch.Tensor:
    """Pairwise ``d(exp_o(u_i), exp_o(v_j))`` on the hyperboloid, ``u [..., L, d]``,
    ``v [..., M, d]`` → ``[..., L, M]``. The isometry maps ``exp_o(u)`` to the
    ball point ``exp_0(u/2)``, so this is :func:`tangent_distance` at ``u/2``:
    ``−c <x, y>_L = 1 + 2 sinh²(s d/2)`` in the cancellation-free form (tangent
    norms clipped at ``s|u| = 20``). Tends to ``|u − v|`` as κ → 0."""
    return tangent_distance(0.5 * u, 0.5 * v, curvature)


def lorentz_midpoint(
    weights: torch.Tensor, v: torch.Tensor, curvature: float | torch.Tensor = -1.0
) -> torch.Tensor:
    """Weighted Einstein midpoint of the points ``exp_o(v_j)`` on the hyperboloid,
    as a tangent vector at ``o`` (``weights [..., L, M]``, ``v [..., M, d]`` →
    ``[..., L, d]``). It is the hyperboloid point on the ray of ``Σ_j w_j x_j``
    (the Klein coordinates of the Einstein midpoint are ``Σ w x_s / Σ w x_0``);
    computed as ``2 · einstein_midpoint(weights, v/2)`` through the isometry."""
    return 2 * einstein_midpoint(weights, 0.5 * v, curvature)


class HyperbolicAttention(nn.Module):
    """Multi-head self-attention with logits ``−β_h d_c(q_i, k_j) + P_ij``.

    Args:
        d_model, n_heads: width and heads (``d_head = d_model // n_heads``).
        curvature: κ < 0, one float or one per head.
        learn_curvature: make ``log|κ_h|`` a trainable parameter (init from ``curvature``).
        aggregate: ``"tangent"`` (``softmax @ V``, default) or ``"einstein"``.
        manifold: ``"poincare"`` (default: q, k mapped by the ball's ``exp_0``) or
            ``"lorentz"`` (the hyperboloid's ``exp_o``). The models are isometric;
            the layers differ in the exp map's scale (``exp_o(u)`` ↔ ``exp_0(u/2)``),
            so as κ → 0 the Lorentz layer is Euclidean-distance attention at β,
            the Poincaré layer at 2β. ``einstein`` is the midpoint on the same manifold.
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
        manifold: str = "poincare",
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
        if manifold not in MANIFOLDS:
            raise InputError(f"manifold must be one of {MANIFOLDS}, got {manifold!r}")
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
        self.aggregate, self.manifold = aggregate, manifold
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
        if self.manifold == "lorentz":  # exp_o(u) is the ball point exp_0(u/2)
            q, k = 0.5 * q, 0.5 * k
        return q, k, v, s  # d = 2 asinh(r) / s

    def distances(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(D [B, H, L, L], v [B, H, L, d_head])``: β-free hyperbolic distances
        of the heads' queries to their keys, and the values, for ``x [B, L, d_model]``."""
        q, k, v, s = self._project(x)
        return _rho(q, k, s, 2 / s), v

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x [B, L, d_model]`` → ``[B, L, d_model]``."""
        B, L, _ = x.shape
        q, k, v, s = self._project(x)  # [B, H, L, d] × 3, [H, 1, 1]
        if self.capture:
            with torch.no_grad():
                dist = _rho(q, k, s, 2 / s)
            eye = torch.eye(L, dtype=dist.dtype, device=x.device).expand(B, self.n_heads, L, L)
            self.last_q, self.last_k = eye, -dist.transpose(-1, -2)
            self.last_mask = None
        beta = self.policy.beta().to(dtype=q.dtype, device=x.device)[:, None, None]
        logits = _rho(q, k, s, -2 * beta / s)  # −β d_H, the factor folded into the pass
        bias = self.pos_bias(L, device=x.device, dtype=q.dtype)
        if self.causal:
            future = torch.ones(L, L, dtype=torch.bool, device=x.device).triu(1)
            zero = torch.zeros(L, L, dtype=q.dtype, device=x.device)
            bias = (zero if bias is None else bias).masked_fill(future, float("-inf"))
        if bias is not None:  # in place: the additive [L, L] mask is one cheap pass
            logits = logits.add_(bias)
        w = torch.softmax(logits, dim=-1)
        if self.training and self.dropout > 0:
            w = F.dropout(w, self.dropout)
        if self.aggregate == "einstein":
            kappa = self.curvature().to(v.dtype)[:, None, None]
            if self.manifold == "lorentz":
                y = lorentz_midpoint(w, v, kappa)
            else:
                y = einstein_midpoint(w, v, kappa)
        else:
            y = w @ v
        return self.out(y.transpose(1, 2).reshape(B, L, self.d_model))

    def extra_repr(self) -> str:
        kappa = [round(float(k), 4) for k in self.curvature()]
        return (
            f"d_model={self.d_model}, n_heads={self.n_heads}, curvature={kappa}, "
            f"aggregate={self.aggregate}, manifold={self.manifold}, policy={self.policy.name}, causal={self.causal}"
        )
