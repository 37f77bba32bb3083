"""Multi-head self-attention with an explicit inverse temperature β.

    logits_ij = β_h q_i·k_j + P_ij        (β_h from the policy, P from the bias)
    Z = softmax(logits) V                 (seed 000, eq. 2–3 and periodic section)

At β = 1/sqrt(d_k) and no bias this is standard attention (tested against
``torch.nn.MultiheadAttention`` and Hugging Face eager attention). The
softmax runs in ``F.scaled_dot_product_attention``: a scalar β goes in its
``scale``, any other β is folded into q (``scale = 1.0``), a bias or padding
mask goes in ``attn_mask``, and the plain causal case uses ``is_causal``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from isingformer.attention.bias import PositionalBias, make_positional_bias
from isingformer.attention.policies import BetaPolicy, make_beta_policy
from isingformer.errors import InputError
from isingformer.validate import check_int

__all__ = ["BetaAttention", "attention_mask"]


def attention_mask(
    length: int,
    *,
    causal: bool,
    key_padding_mask: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    dtype: torch.dtype = torch.float32,
    device=None,
) -> torch.Tensor | None:
    """The ``attn_mask`` for SDPA: ``None`` (use ``is_causal``/nothing), a bool
    ``[B|1, 1, L, L]`` (True = attend) or a float ``[B|1, H|1, L, L]`` additive mask.

    Rows with no visible key (a padding query under a causal mask with left
    padding) are allowed to see themselves so that no NaN appears; their
    outputs are meaningless and zeroed by the caller.
    """
    if key_padding_mask is None and bias is None:
        return None
    allowed = torch.ones(length, length, dtype=torch.bool, device=device)
    if causal:
        allowed = allowed.tril()
    allowed = allowed[None, None]  # [1, 1, L, L]
    if key_padding_mask is not None:
        allowed = allowed & key_padding_mask[:, None, None, :]  # [B, 1, L, L]
        empty = ~allowed.any(dim=-1, keepdim=True)
        eye = torch.eye(length, dtype=torch.bool, device=device)[None, None]
        allowed = allowed | (empty & eye)
    if bias is None:
        return allowed
    neg = torch.tensor(float("-inf"), dtype=dtype, device=device)
    return torch.where(allowed, bias.to(dtype)[None], neg)  # [B|1, H, L, L]


class BetaAttention(nn.Module):
    """Multi-head self-attention with a β policy and a positional bias.

    Args:
        d_model: model width (divisible by ``n_heads``).
        n_heads: number of heads H; ``d_head = d_model // n_heads``.
        policy: a name of :data:`BETA_POLICIES` or a :class:`BetaPolicy`.
        bias: ``"none"``, ``"periodic"`` or ``"alibi"``.
        causal: mask future keys.
        dropout: dropout probability on the attention weights (training only).
        max_len: longest sequence (reference length of ``log_length``/``qk_norm``).
        policy_kwargs / bias_kwargs: options of the policy / bias factories.

    Attributes:
        policy: the :class:`BetaPolicy` (``policy.beta()`` gives β per head).
        capture: when True, ``forward`` stores ``last_q``, ``last_k``
            (``[B, H, L, d_head]``, detached raw projections, before β and
            normalization) and ``last_mask`` (the ``key_padding_mask`` or None)
            for ``policy.calibrate(last_q, last_k, last_mask)``.
    """

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        *,
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
        if not 0.0 <= dropout < 1.0:
            raise InputError(f"dropout must lie in [0, 1), got {dropout}")
        self.d_model, self.n_heads = d_model, n_heads
        self.d_head = d_model // n_heads
        self.causal = bool(causal)
        self.dropout = float(dropout)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        if isinstance(policy, BetaPolicy):
            if policy_kwargs:
                raise InputError("policy_kwargs only apply when policy is given by name")
            if policy.n_heads != n_heads:
                raise InputError(f"the policy has {policy.n_heads} heads, the module {n_heads}")
            self.policy = policy
        else:
            self.policy = make_beta_policy(
                policy, n_heads, self.d_head, max_len=max_len, **(policy_kwargs or {})
            )
        self.policy.causal = self.causal
        self.max_len = check_int(max_len, "max_len", ge=1)  # after the policy's own check
        self.pos_bias: PositionalBias = make_positional_bias(bias, n_heads, **(bias_kwargs or {}))
        self.capture = False
        self.last_q: torch.Tensor | None = None
        self.last_k: torch.Tensor | None = None
        self.last_mask: torch.Tensor | None = None

    def forward(
        self, x: torch.Tensor, key_padding_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``x``: ``[B, L, d_model]``; ``key_padding_mask``: ``[B, L]`` bool, True =
        real token. Returns ``[B, L, d_model]`` (zeros at padding positions)."""
        B, L, D = x.shape
        if self.d_model != D:
            raise InputError(f"expected input width {self.d_model}, got {D}")
        key_padding_mask_eff = None  # None when every token is real (fast path)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.to(device=x.device, dtype=torch.bool)
            if key_padding_mask.shape != (B, L):
                raise InputError(f"key_padding_mask must be [{B}, {L}]")
            if not bool(key_padding_mask.all()):
                key_padding_mask_eff = key_padding_mask
        q, k, v = self.qkv(x).split(self.d_model, dim=-1)  # 3 x [B, L, D]
        q = q.view(B, L, self.n_heads, self.d_head).transpose(1, 2)  # [B, H, L, d]
        k = k.view(B, L, self.n_heads, self.d_head).transpose(1, 2)
        v = v.view(B, L, self.n_heads, self.d_head).transpose(1, 2)
        if self.capture:
            self.last_q, self.last_k = q.detach(), k.detach()
            self.last_mask = key_padding_mask
        q, k, scale = self.policy.apply(q, k, key_padding_mask_eff, self.causal)
        bias = self.pos_bias(L, device=x.device, dtype=q.dtype)
        mask = attention_mask(
            L,
            causal=self.causal,
            key_padding_mask=key_padding_mask_eff,
            bias=bias,
            dtype=q.dtype,
            device=x.device,
        )
        y = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=mask,
            dropout_p=self.dropout if self.training else 0.0,
            is_causal=self.causal and mask is None,
            scale=scale,
        )  # [B, H, L, d]
        y = y.transpose(1, 2).reshape(B, L, D)
        y = self.out(y)
        if key_padding_mask_eff is not None:
            y = y * key_padding_mask_eff[..., None].to(y.dtype)
        return y

    def extra_repr(self) -> str:
        return (
            f"d_model={self.d_model}, n_heads={self.n_heads}, causal={self.causal}, "
            f"dropout={self.dropout}, policy={self.policy.name}, bias={self.pos_bias.name}"
        )
