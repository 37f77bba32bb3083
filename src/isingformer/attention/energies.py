"""Attention rows as Gibbs ensembles: energies, allowed-key masks and the
measured critical β of each head.

For one head the softmax row of query ``i`` is a Gibbs distribution over the
keys ``j`` it may see, with energies ``E_ij = −q_i·k_j`` (raw projections, no
``1/sqrt(d_k)``) at inverse temperature β: ``p_ij ∝ exp(−β E_ij)``. The
Gibbs-ensemble core (:mod:`isingformer.ensemble`) gives the thermodynamics of
these rows; this module builds their energies and masks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from isingformer.ensemble import heat_capacity_peak, thermodynamics
from isingformer.errors import InputError

__all__ = [
    "CriticalBeta",
    "allowed_keys",
    "attention_energies",
    "energy_rows",
    "head_rows",
    "logit_spread",
    "measure_critical_beta",
]


def attention_energies(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """``E[b, h, i, j] = −q[b, h, i]·k[b, h, j]`` for ``q, k`` of shape ``[B, H, L, d]``."""
    if q.ndim != 4 or k.ndim != 4 or q.shape[:2] != k.shape[:2] or q.shape[-1] != k.shape[-1]:
        raise InputError(
            f"q and k must have shape [B, H, L, d] with equal B, H, d; got {tuple(q.shape)}, "
            f"{tuple(k.shape)}"
        )
    return -(q @ k.transpose(-1, -2))  # [B, H, Lq, Lk]


def allowed_keys(
    length: int,
    key_padding_mask: torch.Tensor | None = None,
    causal: bool = False,
    device=None,
) -> torch.Tensor:
    """Boolean ``[B or 1, 1, L, L]``: True where query ``i`` may attend to key ``j``.

    ``key_padding_mask`` is ``[B, L]`` with True = real token.
    """
    allowed = torch.ones(length, length, dtype=torch.bool, device=device)
    if causal:
        allowed = torch.tril(allowed)
    allowed = allowed[None, None]  # [1, 1, L, L]
    if key_padding_mask is not None:
        kpm = torch.as_tensor(key_padding_mask, device=device).to(torch.bool)
        if kpm.ndim != 2 or kpm.shape[1] != length:
            raise InputError(f"key_padding_mask must be [B, {length}], got {tuple(kpm.shape)}")
        allowed = allowed & kpm[:, None, None, :]
    return allowed


def _full_mask(mask, B: int, L: int, causal: bool, device) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (allowed [B, 1|H, L, L], query_real [B, L]) from a [B, L] key-padding
    mask or a full [B, 1|H, L, L] allowed mask."""
    if mask is None:
        return allowed_keys(L, None, causal, device).expand(B, 1, L, L), torch.ones(
            B, L, dtype=torch.bool, device=device
        )
    m = torch.as_tensor(mask, device=device).to(torch.bool)
    if m.ndim == 2:
        return allowed_keys(L, m, causal, device), m
    if m.ndim == 4:
        return m, m.any(dim=-1).any(dim=1)
    raise InputError(f"mask must be [B, L] (key padding) or [B, H, L, L], got {tuple(m.shape)}")


def head_rows(
    q: torch.Tensor,
    k: torch.Tensor,
    mask=None,
    *,
    causal: bool = False,
    max_rows: int | None = None,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Energies ``−q·k`` and allowed masks of every query row, grouped by head.

    Args:
        q, k: ``[B, H, L, d]``.
        mask: ``[B, L]`` key-padding (True = real) or ``[B, 1|H, L, L]`` allowed.
        causal: apply a causal mask (with a ``[B, L]`` mask or none).
        max_rows: keep at most this many rows per head (a seeded random subset).

    Returns:
        ``(E [H, R, L], allowed [H, R, L])`` in float64; rows whose query is
        padding or that see no key are dropped.
    """
    E = attention_energies(q.detach().double(), k.detach().double())  # [B, H, L, L]
    return energy_rows(E, mask, causal=causal, max_rows=max_rows, seed=seed)


def energy_rows(
    E: torch.Tensor,
    mask=None,
    *,
    causal: bool = False,
    max_rows: int | None = None,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`head_rows` for given energies ``E`` ``[B, H, L, K]`` (``K ≥ L``
    keys, e.g. one more for an attention sink; a ``[B, L]`` mask needs
    ``K = L``, a full mask is ``[B, 1|H, L, K]``). Returns ``[H, R, K]`` twice."""
    B, H, L, K = E.shape
    E = E.detach().double()
    if (mask is None or torch.as_tensor(mask).ndim == 2) and K != L:
        raise InputError(f"energies with {K} keys for {L} queries need a full [B, H, L, {K}] mask")
    allowed, q_real = _full_mask(mask, B, L, causal, E.device)
    allowed = allowed.expand(B, H, L, K)
    keep = q_real[:, None, :].expand(B, H, L) & allowed.any(dim=-1)  # [B, H, L]
    keep_rows = keep.all(dim=1).reshape(-1)  # same rows for every head [B*L]
    E = E.permute(1, 0, 2, 3).reshape(H, B * L, K)[:, keep_rows]  # [H, R, K]
    A = allowed.permute(1, 0, 2, 3).reshape(H, B * L, K)[:, keep_rows]
    if E.shape[1] == 0:
        raise InputError("no query row sees any key (check the mask)")
    if max_rows is not None and E.shape[1] > max_rows:
        gen = torch.Generator().manual_seed(int(seed))
        idx = torch.randperm(E.shape[1], generator=gen)[:max_rows].sort().values.to(E.device)
        E, A = E[:, idx], A[:, idx]
    return E, A


def logit_spread(E: torch.Tensor, allowed: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Root-mean-square over rows of the within-row std of the energies, and the
    mean number of allowed keys per row. ``E, allowed``: ``[H, R, L]`` → ``[H]``, ``[H]``."""
    w = allowed.to(E.dtype)
    n = w.sum(-1)  # [H, R]
    mean = (E * w).sum(-1) / n
    var = (((E - mean[..., None]) ** 2) * w).sum(-1) / n  # population variance per row
    multi = n > 1
    var_mean = (var * multi).sum(-1) / multi.sum(-1).clamp_min(1)
    return var_mean.sqrt(), n.mean(-1)


@dataclass(frozen=True)
class CriticalBeta:
    """Per-head critical points of the attention ensembles (all ``[H]`` tensors)."""

    beta: torch.Tensor
    beta_err: torch.Tensor
    at_edge: torch.Tensor
    sigma: torch.Tensor
    n_keys: torch.Tensor
    beta_c_rem: torch.Tensor


def measure_critical_beta(
    q: torch.Tensor,
    k: torch.Tensor,
    mask=None,
    *,
    causal: bool = False,
    n_grid: int = 64,
    grid_max: float = 2.5,
    n_boot: int = 50,
    max_rows: int = 2048,
    seed: int = 0,
) -> CriticalBeta:
    """Heat-capacity peak β* of each head's attention rows.

    Each head's grid runs from ``0.02 β_REM`` to ``grid_max · β_REM`` with
    ``β_REM = sqrt(2 ln N̄)/σ`` (``σ`` the head's logit spread, ``N̄`` the mean
    number of visible keys); if the peak sits on the upper edge the grid is
    stretched 3x, up to twice. ``β*`` comes from
    :func:`isingformer.ensemble.heat_capacity_peak` (parabolic refinement on
    the grid, bootstrap error over rows).
    A head whose logits do not vary (σ = 0) has no transition: ``β* = inf``.
    """
    E, A = head_rows(q, k, mask, causal=causal, max_rows=max_rows, seed=seed)
    sigma, n_keys = logit_spread(E, A)
    H = E.shape[0]
    beta, err, bc = (torch.full((H,), float("nan"), dtype=torch.float64) for _ in range(3))
    edge = torch.zeros(H, dtype=torch.bool)
    for h in range(H):
        s, n = float(sigma[h]), float(n_keys[h])
        if not s > 1e-12 or n < 2:
            beta[h], err[h], edge[h], bc[h] = float("inf"), float("nan"), True, float("inf")
            continue
        bc[h] = math.sqrt(2.0 * math.log(n)) / s
        top = grid_max
        for _ in range(3):
            grid = np.linspace(0.02, top, n_grid) * float(bc[h])
            th = thermodynamics(E[h], grid, A[h])
            cp = heat_capacity_peak(
                E[h], grid, A[h], n_boot=n_boot, seed=seed, thermo=th, refine=False
            )
            if not (cp.at_edge and cp.beta >= grid[-1]):
                break
            top *= 3.0
        beta[h], err[h], edge[h] = cp.beta, cp.beta_err, cp.at_edge
    return CriticalBeta(beta, err, edge, sigma.cpu(), n_keys.cpu(), bc)
