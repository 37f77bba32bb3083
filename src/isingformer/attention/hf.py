"""Hugging Face adapter: the ``"isingformer"`` attention implementation.

After registration (automatic, see :mod:`isingformer.attention`)::

    model = AutoModel.from_pretrained(path, attn_implementation="isingformer")
    model(**batch)                      # identical to eager attention
    model(**batch, beta=0.3)            # every head at β = 0.3
    model(**batch, beta=torch.tensor([...]))   # one β per head [H]
    with QKCapture() as cap:            # Q and K (after RoPE) per layer, head
        model(**batch)
    cap.records[0].q                    # [B, H, L, d_head]

The attention function follows the eager implementation of ``transformers``
(logits ``β q·kᵀ + mask``, softmax in the logits' dtype, dropout, weights
returned for ``output_attentions``); with no ``beta`` the model's own
``scaling`` (usually 1/sqrt(d_head)) is used, so outputs equal eager ones.
Grouped-query keys are repeated to one key per query head. Its mask function
is the eager one (an additive float mask), registered under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from isingformer.errors import InputError

__all__ = [
    "ATTENTION_NAME",
    "QKCapture",
    "QKRecord",
    "isingformer_attention_forward",
    "register_hf_attention",
]

ATTENTION_NAME = "isingformer"


@dataclass
class QKRecord:
    """One attention call: ``q, k`` ``[B, H, L, d]`` (detached; keys repeated
    for GQA), ``allowed`` ``[B, 1|H, Lq, Lk]`` bool or None (all allowed),
    ``scale`` the β the model itself passed (``scaling``), ``layer`` the
    module's ``layer_idx`` (or the call order)."""

    layer: int
    q: torch.Tensor
    k: torch.Tensor
    allowed: torch.Tensor | None
    scale: float
    module_name: str


_ACTIVE: list[QKCapture] = []


class QKCapture:
    """Context manager that records Q and K of every ``"isingformer"``
    attention call made inside it (in call order)."""

    def __init__(self, dtype: torch.dtype | None = None) -> None:
        self.dtype = dtype
        self.records: list[QKRecord] = []

    def __enter__(self) -> QKCapture:
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _ACTIVE.remove(self)

    def record(self, module, q, k, allowed, scale: float) -> None:
        layer = getattr(module, "layer_idx", None)
        if layer is None:
            layer = len(self.records)
        cast = (lambda t: t.detach().to(self.dtype)) if self.dtype else (lambda t: t.detach())
        self.records.append(
            QKRecord(
                int(layer),
                cast(q),
                cast(k),
                None if allowed is None else allowed.detach(),
                float(scale),
                type(module).__name__,
            )
        )


def _repeat_heads(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    """[B, Hkv, L, d] -> [B, H, L, d] (each key/value head shared by H/Hkv query heads)."""
    hkv = x.shape[1]
    if hkv == n_heads:
        return x
    if n_heads % hkv:
        raise InputError(f"{n_heads} query heads cannot share {hkv} key heads")
    return x.repeat_interleave(n_heads // hkv, dim=1)


def isingformer_attention_forward(
    module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    scaling: float | None = None,
    dropout: float = 0.0,
    beta: float | torch.Tensor | None = None,
    **kwargs,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention function with the ``transformers`` AttentionInterface signature.

    ``query`` ``[B, H, Lq, d]``, ``key``/``value`` ``[B, Hkv, Lk, d]``,
    ``attention_mask`` additive ``[B, 1, Lq, Lk]`` or None. ``beta`` (a float
    or a per-head tensor ``[H]``) replaces ``scaling``. Returns
    ``(output [B, Lq, H, d], weights [B, H, Lq, Lk])``.
    """
    H, d = query.shape[1], query.shape[-1]
    key = _repeat_heads(key, H)
    value = _repeat_heads(value, H)
    own = float(scaling) if scaling is not None else d**-0.5
    causal_skip = (
        attention_mask is None
        and bool(getattr(module, "is_causal", False))
        and query.shape[2] == key.shape[2]
        and query.shape[2] > 1
    )
    if _ACTIVE:
        if attention_mask is not None:
            allowed = attention_mask > torch.finfo(attention_mask.dtype).min / 2
        elif causal_skip:
            L = query.shape[2]
            allowed = torch.ones(L, L, dtype=torch.bool, device=query.device).tril()[None, None]
        else:
            allowed = None
        for cap in _ACTIVE:
            cap.record(module, query, key, allowed, own)
    logits = torch.matmul(query, key.transpose(2, 3))  # [B, H, Lq, Lk]
    if beta is None:
        logits = logits * own
    else:
        b = torch.as_tensor(beta, dtype=logits.dtype, device=logits.device)
        if b.ndim == 0:
            logits = logits * b
        elif b.shape == (H,):
            logits = logits * b[None, :, None, None]
        else:
            raise InputError(
                f"beta must be a number or a tensor of shape [{H}], got {tuple(b.shape)}"
            )
    if attention_mask is not None:
        logits = logits + attention_mask
    elif causal_skip:
        L = logits.shape[-1]
        future = torch.ones(L, L, dtype=torch.bool, device=logits.device).triu(1)
        logits = logits.masked_fill(future, float("-inf"))
    weights = F.softmax(logits, dim=-1).to(value.dtype)
    weights = F.dropout(weights, p=dropout, training=module.training)
    out = torch.matmul(weights, value).transpose(1, 2).contiguous()  # [B, Lq, H, d]
    return out, weights


_REGISTERED: set[str] = set()


def register_hf_attention(name: str = ATTENTION_NAME) -> None:
    """Register :func:`isingformer_attention_forward` and the eager mask
    function with ``transformers`` under ``name`` (idempotent)."""
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, AttentionMaskInterface

    AttentionInterface.register(name, isingformer_attention_forward)
    AttentionMaskInterface.register(name, ALL_MASK_ATTENTION_FUNCTIONS["eager"])
    _REGISTERED.add(name)
