"""Positional biases added to the attention logits: ``logit_ij = β q_i·k_j + P_ij``.

- ``none``: no bias.
- ``periodic``: ``P_ij = f(d(i, j))`` with the circular distance
  ``d(i, j) = min(|i − j|, N − |i − j|)`` (seed 000, periodic self-attention);
  ``f`` is ``linear`` (``f(d) = −m_h d``) or ``exponential``
  (``f(d) = A (e^{−m_h d} − 1)``: a bonus for near tokens that saturates at
  ``−A`` far away), with a slope ``m_h`` per head.
- ``alibi``: ``P_ij = −m_h |i − j|`` with the ALiBi slopes of Press et al.
  (2022), correct for any head count; symmetric in ``|i − j|`` so that it is
  valid for non-causal attention too.

**Circular distance under a causal mask.** A causal query ``i`` only sees keys
``j ≤ i``, so ``|i − j| = i − j`` and ``d(i, j) = min(i − j, N − (i − j))``.
It differs from the plain distance only for pairs with ``i − j > N/2``: such
far-back keys are treated as *near* (distance ``N − (i − j)``), i.e. the
sequence wraps around, but the future half of the circle stays invisible. The
ring is therefore only half present: the first token of a long causal
sequence is a near neighbour of the last one, which is the intended periodic
boundary; nothing leaks from the future.

The period ``N`` is the sequence length ``L`` of the batch unless ``period`` is
given (use a fixed period when sequences of different lengths must share one
geometry).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from isingformer.errors import InputError

__all__ = [
    "POSITIONAL_BIASES",
    "ALiBiBias",
    "NoBias",
    "PeriodicBias",
    "PositionalBias",
    "alibi_slopes",
    "circular_distance",
    "make_positional_bias",
]


def alibi_slopes(n_heads: int) -> torch.Tensor:
    """ALiBi slopes ``[n_heads]`` (float64).

    For a power of two ``n``: the geometric sequence ``2^(−8k/n)``, k = 1..n.
    Otherwise the ``n'`` slopes of the largest power of two ``n' < n`` are
    followed by every other slope of ``2n'`` (odd positions), as in the
    reference implementation: the slopes interleave instead of being the
    geometric sequence for ``n``.
    """
    if n_heads < 1:
        raise InputError(f"n_heads must be >= 1, got {n_heads}")

    def power_of_two(n: int) -> list[float]:
        start = 2.0 ** (-8.0 / n)
        return [start ** (k + 1) for k in range(n)]

    if n_heads & (n_heads - 1) == 0:
        slopes = power_of_two(n_heads)
    else:
        closest = 1 << (n_heads.bit_length() - 1)  # largest power of two below n_heads
        slopes = power_of_two(closest) + power_of_two(2 * closest)[0::2][: n_heads - closest]
    return torch.tensor(slopes, dtype=torch.float64)


def circular_distance(n: int, period: int | None = None, device=None) -> torch.Tensor:
    """``[n, n]`` integer matrix ``d(i, j) = min(|i − j| mod N, N − |i − j| mod N)``,
    ``N = period`` (default ``n``)."""
    p = n if period is None else int(period)
    if p < 1:
        raise InputError(f"period must be >= 1, got {p}")
    idx = torch.arange(n, device=device)
    diff = (idx[:, None] - idx[None, :]).abs() % p  # [n, n]
    return torch.minimum(diff, p - diff)


class PositionalBias(nn.Module):
    """Base class: ``forward(L, device, dtype) -> [H, L, L]`` additive bias or ``None``."""

    name = "base"

    def __init__(self, n_heads: int) -> None:
        super().__init__()
        self.n_heads = n_heads

    def forward(self, length: int, device=None, dtype=torch.float32) -> torch.Tensor | None:
        raise NotImplementedError


class NoBias(PositionalBias):
    """No positional bias (returns ``None`` so the fused kernel's causal path applies)."""

    name = "none"

    def forward(self, length: int, device=None, dtype=torch.float32) -> None:
        return None


def _slopes(n_heads: int, slopes, learnable: bool) -> nn.Parameter | torch.Tensor:
    if slopes is None:
        s = alibi_slopes(n_heads).float()
    else:
        s = torch.as_tensor(slopes, dtype=torch.float32).reshape(-1)
        if s.numel() == 1:
            s = s.expand(n_heads).clone()
        if s.numel() != n_heads:
            raise InputError(f"slopes needs 1 or {n_heads} values, got {s.numel()}")
        if not torch.isfinite(s).all() or (s < 0).any():
            raise InputError("slopes must be finite and >= 0")
    return nn.Parameter(s) if learnable else s


class ALiBiBias(PositionalBias):
    """``P_ij = −m_h |i − j|`` (symmetric; causal masking is applied separately)."""

    name = "alibi"

    def __init__(self, n_heads: int, *, slopes=None, learnable: bool = False) -> None:
        super().__init__(n_heads)
        s = _slopes(n_heads, slopes, learnable)
        if learnable:
            self.slopes = s
        else:
            self.register_buffer("slopes", s, persistent=False)

    def forward(self, length: int, device=None, dtype=torch.float32) -> torch.Tensor:
        idx = torch.arange(length, device=device)
        dist = (idx[:, None] - idx[None, :]).abs().to(dtype)  # [L, L]
        return -self.slopes.to(device=device, dtype=dtype)[:, None, None] * dist  # [H, L, L]


class PeriodicBias(PositionalBias):
    """``P_ij = f(d(i, j))`` on the circle of ``period`` (default: the sequence length).

    Args:
        n_heads: number of heads.
        decay: ``"linear"`` (``f = −m_h d``) or ``"exponential"``
            (``f = A (e^{−m_h d} − 1)``).
        slopes: per-head ``m_h`` (1 or ``n_heads`` values; default the ALiBi slopes).
        amplitude: ``A`` of the exponential form (default 4.0 logits).
        period: fixed ``N``; ``None`` uses the current sequence length.
        learnable: make the slopes trainable parameters.
    """

    name = "periodic"

    def __init__(
        self,
        n_heads: int,
        *,
        decay: str = "linear",
        slopes=None,
        amplitude: float = 4.0,
        period: int | None = None,
        learnable: bool = False,
    ) -> None:
        super().__init__(n_heads)
        if decay not in ("linear", "exponential"):
            raise InputError(f"decay must be 'linear' or 'exponential', got {decay!r}")
        if period is not None and int(period) < 1:
            raise InputError(f"period must be >= 1, got {period}")
        if not (math.isfinite(amplitude) and amplitude >= 0):
            raise InputError(f"amplitude must be finite and >= 0, got {amplitude}")
        self.decay = decay
        self.amplitude = float(amplitude)
        self.period = None if period is None else int(period)
        s = _slopes(n_heads, slopes, learnable)
        if learnable:
            self.slopes = s
        else:
            self.register_buffer("slopes", s, persistent=False)
        self._cache: dict[tuple, torch.Tensor] = {}

    def forward(self, length: int, device=None, dtype=torch.float32) -> torch.Tensor:
        key = (length, str(device))
        dist = self._cache.get(key)
        if dist is None:
            dist = circular_distance(length, self.period, device)
            self._cache[key] = dist
        d = dist.to(dtype)[None]  # [1, L, L]
        m = self.slopes.to(device=device, dtype=dtype)[:, None, None]  # [H, 1, 1]
        if self.decay == "linear":
            return -m * d
        return self.amplitude * torch.expm1(-m * d)


POSITIONAL_BIASES: dict[str, type[PositionalBias]] = {
    "none": NoBias,
    "periodic": PeriodicBias,
    "alibi": ALiBiBias,
}


def make_positional_bias(name: str, n_heads: int, **kwargs) -> PositionalBias:
    """Build a positional bias by name (``none``, ``periodic``, ``alibi``);
    unknown names or keyword arguments are an :class:`InputError`."""
    if name not in POSITIONAL_BIASES:
        raise InputError(
            f"unknown positional bias {name!r}; choose from {sorted(POSITIONAL_BIASES)}"
        )
    cls = POSITIONAL_BIASES[name]
    try:
        return cls(n_heads, **kwargs)
    except TypeError as exc:
        raise InputError(f"bad options for positional bias {name!r}: {exc}") from None
