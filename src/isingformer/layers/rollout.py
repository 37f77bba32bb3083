"""The attention reading of seed 000 (eq. 15, 20): each layer's row-softmax
attention ``A⁽ˡ⁾ = softmax(β S⁽ˡ⁾)`` over the keys a query may see, their
composition (attention rollout) ``A⁽ᴸ⁾ ··· A⁽¹⁾``, and the "one large Ising
model" ``softmax(β Σ_l S⁽ˡ⁾)`` it is claimed to equal.

``S⁽ˡ⁾ = −H⁽ˡ⁾`` are the head-summed scores ``Σ_h q_i·k_j`` of layer l (the
model's logits over β_model with soft-capping or a position bias), so a
one-layer stack agrees with its summed softmax exactly (the comparison is
zero at L = 1 by construction, and every difference at L > 1 comes from
composing layers). Layer 1 acts first: the rollout after depth d is
``R_d = A⁽ᵈ⁾ R_{d−1}``. With ``residual=True`` each factor is
``½(A⁽ˡ⁾ + I)`` (the residual stream mixed in equally, as in Abnar and
Zuidema's rollout) against the same reference: at β → 0 every ``A⁽ˡ⁾`` is
uniform and the distance is exactly ``2^(−d)(1 − 1/N)`` (the identity part
that survives d mixings), so the residual stream alone keeps the stack from
being one Gibbs measure at any temperature.

With ``per_head=True`` the scores are per head, ``[..., L, H, N, N]``, and
each layer's factor is the model's own attention, the head average
``mean_h softmax(β S⁽ˡ'ʰ⁾)``; the reference is still the summed-logit softmax
``softmax(β Σ_l Σ_h S⁽ˡ'ʰ⁾)`` (at depth 1 the distance is then the error of
eq. 5's head sum, before any depth effect).

``allowed`` is one mask for every layer ``[N, N]`` or one per layer
``[L, N, N]`` (sliding-window or local layers): each ``A⁽ˡ⁾`` is a softmax
over its own layer's keys, and the summed softmax of depth d runs over the
keys some layer ``l ≤ d`` sees, each ``S⁽ˡ⁾`` zero outside its own window.
The rollout reaches further than any single window (products of windows),
which the summed softmax cannot: that mass counts in the distance.
"""

from __future__ import annotations

import torch

from isingformer.errors import InputError

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
    per_head: bool = False,
) -> torch.Tensor:
    """Mean over query rows of the total variation ``½ Σ_j |R_ij − P_ij|``
    between the rollout of the first d layers and the summed-logit softmax
    of the same d layers, for every depth d = 1..L.

    Args:
        S: head-summed scores ``[..., L, N, N]`` (``[..., L, H, N, N]`` with ``per_head``).
        allowed: visible keys ``[N, N]`` for every layer, ``[L, N, N]`` one per
            layer, or None for all.
    Returns:
        ``[..., L]`` (entry ``d−1`` is depth d; entry 0 is zero).
    """
    depth = -4 if per_head else -3
    L, N = S.shape[depth], S.shape[-1]
    eye = torch.eye(N, dtype=S.dtype, device=S.device)
    out = []
    per_layer = allowed is not None and allowed.ndim == 3
    if per_layer and allowed.shape[0] != L:
        raise InputError(f"allowed has {allowed.shape[0]} layer masks for {L} layers")
    R = acc = seen = None
    for d in range(L):
        Sd = S.select(depth, d)  # [..., (H,) N, N]
        ad = allowed[d] if per_layer else allowed
        seen = ad if seen is None or not per_layer else seen | ad  # keys of layers <= d
        if per_head:
            A = layer_attention(Sd, beta, ad).mean(-3)
            Sd = Sd.sum(-3)
        else:
            A = layer_attention(Sd, beta, ad)
        acc = Sd if acc is None else acc + Sd
        P = layer_attention(acc, beta, seen)
        if residual:
            A = 0.5 * (A + eye)
        R = A if R is None else A @ R
        out.append(0.5 * (R - P).abs().sum(-1).mean(-1))
    return torch.stack(out, dim=-1)
