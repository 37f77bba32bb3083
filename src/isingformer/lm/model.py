"""A small GPT whose attention heads carry an explicit inverse temperature β.

nanoGPT-style and meant to be read in one sitting: token + position
embeddings, ``n_layer`` pre-norm blocks (causal β-attention, then a 4x MLP),
a final LayerNorm and a weight-tied head. Every attention layer is an
:class:`isingformer.attention.BetaAttention`, so each head's β follows the
chosen policy (``sqrt_dk`` reproduces standard attention exactly; ``critical``
sets β at the measured critical point of the head; ``learned``, ``annealed``,
... see :mod:`isingformer.attention`).

``attention="sdpa"`` swaps in :class:`PlainAttention`, the same layer written
directly with ``F.scaled_dot_product_attention``: the reference against which
the β-attention GPT's speed is benchmarked.

    from isingformer.lm.model import GPT
    model = GPT(vocab_size=65, n_layer=4, n_head=4, d_model=128, context=128,
                policy="critical")
    logits, loss = model(idx, targets)  # idx, targets [B, T] int64
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["GPT", "MLP", "Block", "PlainAttention"]


class PlainAttention(nn.Module):
    """Causal multi-head attention with the standard 1/sqrt(d_k) scale."""

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0):
        super().__init__()
        self.n_heads, self.dropout = n_heads, dropout
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)  # each [B, T, C]
        # [B, T, C] -> [B, H, T, d_head]
        q, k, v = (t.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(
            q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
        )
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # re-assemble heads
        return self.out(y)


class MLP(nn.Module):
    def __init__(self, d_model: int, dropout: float):
        super().__init__()
        self.fc = nn.Linear(d_model, 4 * d_model)
        self.proj = nn.Linear(4 * d_model, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.proj(F.gelu(self.fc(x))))


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(
        self, d_model, n_head, context, dropout, policy, bias, policy_kw, bias_kw, kind, **kw
    ):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        if kind == "sdpa":
            self.attn = PlainAttention(d_model, n_head, dropout)
        elif kind == "hyperbolic":  # logits −β d_H (isingformer.attention.hyperbolic)
            from isingformer.attention.hyperbolic import HyperbolicAttention

            self.attn = HyperbolicAttention(
                d_model,
                n_head,
                curvature=kw.get("curvature", -1.0),
                manifold=kw.get("manifold", "poincare"),
                policy=policy,
                bias=bias,
                dropout=dropout,
                max_len=context,
                policy_kwargs=dict(policy_kw) or None,
                bias_kwargs=dict(bias_kw) or None,
            )
        else:
            from isingformer.attention import BetaAttention

            self.attn = BetaAttention(
                d_model,
                n_head,
                policy=policy,
                bias=bias,
                causal=True,
                dropout=dropout,
                max_len=context,
                policy_kwargs=dict(policy_kw) or None,
                bias_kwargs=dict(bias_kw) or None,
            )
        self.drop = nn.Dropout(dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = MLP(d_model, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(self.attn(self.ln1(x)))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    """Decoder-only language model; ``forward(idx [B, T], targets [B, T] | None)
    -> (logits [B, T, vocab], mean cross-entropy | None)``."""

    def __init__(
        self,
        vocab_size: int,
        n_layer: int = 4,
        n_head: int = 4,
        d_model: int = 128,
        context: int = 128,
        dropout: float = 0.0,
        policy: str = "sqrt_dk",
        bias: str = "none",
        policy_kwargs: dict | None = None,
        bias_kwargs: dict | None = None,
        attention: str = "beta",
        seed: int = 0,
        curvature: float = -1.0,
        manifold: str = "poincare",
    ):
        super().__init__()
        self.context = context
        self.wte = nn.Embedding(vocab_size, d_model)
        self.wpe = nn.Embedding(context, d_model)
        self.drop = nn.Dropout(dropout)
        pk, bk = policy_kwargs or {}, bias_kwargs or {}
        hyp = {"curvature": curvature, "manifold": manifold}  # attention="hyperbolic" only
        self.blocks = nn.ModuleList(
            Block(d_model, n_head, context, dropout, policy, bias, pk, bk, attention, **hyp)
            for _ in range(n_layer)
        )
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.wte.weight  # weight tying
        self.reset_parameters(seed, n_layer)

    @torch.no_grad()
    def reset_parameters(self, seed: int, n_layer: int) -> None:
        """GPT-2 initialization from its own generator, visiting the Linear
        and Embedding layers in module order: the same seed gives the same
        weights whatever the β policy (a policy's own parameters, e.g. a
        learned β, are initialized by the policy without randomness)."""
        g = torch.Generator().manual_seed(seed)
        for name, m in self.named_modules():
            if isinstance(m, nn.Linear | nn.Embedding):
                if m is self.head:
                    continue  # tied to wte
                # residual projections are scaled down with depth (GPT-2)
                std = (
                    0.02 / math.sqrt(2 * n_layer)
                    if name.endswith(("mlp.proj", "attn.out"))
                    else 0.02
                )
                w = torch.randn(m.weight.shape, generator=g) * std
                m.weight.copy_(w.to(m.weight.device))
                if getattr(m, "bias", None) is not None:
                    m.bias.zero_()

    def attention_layers(self) -> list[nn.Module]:
        """The attention module of every block, in depth order."""
        return [b.attn for b in self.blocks]

    def forward(
        self, idx: torch.Tensor, targets: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        seq_len = idx.shape[1]  # idx [B, T]
        if seq_len > self.context:
            raise ValueError(f"sequence of length {seq_len} exceeds the context {self.context}")
        pos = torch.arange(seq_len, device=idx.device)
        x = self.drop(self.wte(idx) + self.wpe(pos))  # [B, T, C]
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.ln_f(x))  # [B, T, vocab]
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))
        return logits, loss

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())
