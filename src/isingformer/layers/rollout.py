"""The attention reading of seed 000 (eq. 15, 20): each layer's row-softmax
attention ``A⁽ˡ⁾ = softmax(β S⁽ˡ⁾)`` over the keys a query may see, their
composition (attention rollout) ``A⁽ᴸ⁾ ··· A⁽¹⁾``, and the "one large Ising
model" ``softmax(β Σ_l S⁽ˡ⁾)`` it is claimed to equal.

``S⁽ˡ⁾ = −H⁽ˡ⁾`` are the head-summed scores ``Σ_h q_i·k_j`` of layer l, so a
one-layer stack agrees with its summed softmax exactly (the comparison is
zero at L = 1 by construction, and every difference at L > 1 comes from
composing layers). Layer 1 acts first: the rollout after depth d is
``R_d = A⁽ᵈ⁾ R_{d−1}``. With ``residual=True`` each factor is
``½(A⁽ˡ⁾ + I)`` (the residual stream mixed in equally, as in Abnar and
Zuidema's rollout) and the reference is ``½(softmax(β Σ S) + I)``.
"""

from __future__ import annotations

import torch

__all__ = ["layer_attention", "rollout_tv"]


def layer_attention(
    S: torch.Tensor, beta: float, allowed: torch.Tensor | None = None
) -> torch.Tensor:
    """Row softmax of ``β S [..., N, N]`` over allowed keys (``allowed [N, N]`` or
    broadcastable, True = visible); every row must see at least one key."""
    logits = beta * S
    if allowed is not None:
        logits = logits.masked_fill(~allowed, float("-inf"))
    return torch.softmax(logits, dim=-1)


def rollout_tv(
    S: torch.Tensor,
    beta: float,
    allowed: torch.Tensor | None = None,
    *,
    residual: bool = False,
) -> torch.Tensor:
    """Mean over query rows of the total variation ``½ Σ_j |R_ij − P_ij|``
    between the rollout of the first d layers and the summed-logit softmax
    of the same d layers, for every depth d = 1..L.

    Args:
        S: head-summed scores ``[..., L, N, N]``.
        allowed: visible keys ``[N, N]`` (broadcastable), or None for all.
    Returns:
        ``[..., L]`` (entry ``d−1`` is depth d; entry 0 is zero).
    """
    L, N = S.shape[-3], S.shape[-1]
    eye = torch.eye(N, dtype=S.dtype, device=S.device)
    out = []
    R = None
    acc = torch.zeros_like(S[..., 0, :, :])
    for d in range(L):
        A = layer_attention(S[..., d, :, :], beta, allowed)
        acc = acc + S[..., d, :, :]
        P = layer_attention(acc, beta, allowed)
        if residual:
            A, P = 0.5 * (A + eye), 0.5 * (P + eye)
        R = A if R is None else A @ R
        out.append(0.5 * (R - P).abs().sum(-1).mean(-1))
    return torch.stack(out, dim=-1)
