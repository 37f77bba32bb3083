"""Attention rows as Gibbs ensembles: energies, allowed-key masks and the
measured critical β of each head.

For one head the softmax row of query ``i`` is a Gibbs distribution over the
keys ``j`` it may see, with energies ``E_ij = −q_i·k_j`` (raw projections, no
``1/sqrt(d_k)``) at inverse temperature β: ``p_ij ∝ exp(−β E_ij)``. The
Gibbs-ensemble core (:mod:`isingformer.ensemble`) gives the thermodynamics of
these rows; this module builds their energies and masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from isingformer.ensemble import thermodynamics
from isingformer.ensemble.critical import CriticalPoint, PeakAccumulator
from isingformer.ensemble.thermo import fused_grid_sums, is_uniform_grid
from isingformer.errors import InputError
from isingformer.stats import MIN_N

__all__ = [
    "CriticalBeta",
    "allowed_keys",
    "attention_energies",
    "critical_beta_of_energies",
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
    E, A, _ = _energy_rows(E, mask, causal=causal, max_rows=max_rows, seed=seed)
    return E, A


def _energy_rows(
    E: torch.Tensor, mask, *, causal: bool, max_rows: int | None, seed: int
) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    """:func:`energy_rows` and the sequence (batch index) of each row, ``[R]``."""
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
    seq = np.repeat(np.arange(B), L)[keep_rows.cpu().numpy()]
    if E.shape[1] == 0:
        raise InputError("no query row sees any key (check the mask)")
    if max_rows is not None and E.shape[1] > max_rows:
        gen = torch.Generator().manual_seed(int(seed))
        idx = torch.randperm(E.shape[1], generator=gen)[:max_rows].sort().values
        seq = seq[idx.numpy()]
        idx = idx.to(E.device)
        E, A = E[:, idx], A[:, idx]
    return E, A, seq


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


def _heat_capacity(E: torch.Tensor, A: torch.Tensor | None, betas: np.ndarray) -> torch.Tensor:
    """Heat capacity ``C(β) = β² Var(E)`` ``[R, k]`` (float64) of the rows ``E, A``
    ``[R, L]`` (every row with an allowed key; ``A=None``: all allowed) on the
    grid ``betas[k]``, computed in the dtype of ``E``. On the CPU with a
    uniform grid this calls the fused ensemble kernel directly (only the sums
    ``C`` needs, none of the other curves), otherwise
    :func:`isingformer.ensemble.thermodynamics`; the numbers are the same."""
    b = torch.as_tensor(np.asarray(betas, dtype=np.float64)).to(E.dtype)
    if (
        E.device.type != "cpu"
        or E.dtype not in (torch.float32, torch.float64)
        or not is_uniform_grid(b)
    ):
        return thermodynamics(E, betas, A).heat_capacity.double()
    if A is None:  # every key allowed
        e_min = E.amin(dim=-1)  # [R]
    else:
        e_min = torch.where(A, E, torch.full_like(E, float("inf"))).amin(dim=-1)
    z, s1, s2, _ = fused_grid_sums(E, e_min, A, b)  # each [k, R]
    mean = s1.div_(z)
    var = s2.div_(z).sub_(mean * mean).clamp_min_(0.0)  # the formula of thermodynamics
    return var.mul_(b[:, None] * b[:, None]).T.double()


def _peaks(
    E: torch.Tensor,
    A: torch.Tensor,
    scale: torch.Tensor,
    x: np.ndarray,
    dtype: torch.dtype,
    n_boot: int,
    seed: int,
    groups: np.ndarray | None = None,
) -> list[CriticalPoint]:
    """Heat-capacity peaks of the heads ``E, A`` ``[H, R, L]`` (float64) on the
    grids ``β = x · scale[h]``.

    ``C`` of head ``h`` at ``β = x·scale[h]`` is ``C`` of the energies
    ``scale[h]·E[h]`` at ``x``, so the curves of all heads come from one pass
    over the scaled energies (cast to ``dtype``) on the common grid ``x``;
    ``groups`` (``[R]``): the bootstrap resamples these clusters of rows."""
    H, R, L = E.shape
    Es = (E * scale[:, None, None]).to(dtype).reshape(H * R, L)
    C = _heat_capacity(Es, A.reshape(H * R, L), x).reshape(H, R, len(x))
    out = []
    for h in range(H):
        acc = PeakAccumulator(x * float(scale[h]), R, n_boot=n_boot, seed=seed, groups=groups)
        acc.add(C[h : h + 1], 0)
        out.append(acc.result())
    return out


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
    dtype: torch.dtype = torch.float64,
) -> CriticalBeta:
    """Heat-capacity peak β* of each head's attention rows.

    Each head's grid runs from ``0.02 β_REM`` to ``grid_max · β_REM`` with
    ``β_REM = sqrt(2 ln N̄)/σ`` (``σ`` the head's logit spread, ``N̄`` the mean
    number of visible keys); if the peak sits on the upper edge the grid is
    stretched 3x, up to twice. ``β*`` is the parabolic refinement of the grid
    maximum of the mean ``C(β)``, with a bootstrap error over the batch's
    sequences (whole sequences: their rows share the keys; over the rows when
    fewer than 3 sequences), as :func:`isingformer.ensemble.heat_capacity_peak`
    with ``refine=False`` and ``groups``.
    The curves of all heads are computed in one pass over the energies scaled
    to the common grid ``β/β_REM``, in ``dtype``. ``torch.float32`` is ~1.6x
    faster on the CPU (dynamic β during training uses it) and its β* agrees
    with the float64 one to about 1e-4 of the bootstrap error (tested on a
    small GPT at init and after training steps, several seeds).
    A head whose logits do not vary (σ = 0) has no transition: ``β* = inf``.
    """
    E_all = attention_energies(q.detach().double(), k.detach().double())
    return critical_beta_of_energies(
        E_all, mask, causal=causal, n_grid=n_grid, grid_max=grid_max, n_boot=n_boot,
        max_rows=max_rows, seed=seed, dtype=dtype,
    )  # fmt: skip


def critical_beta_of_energies(
    E_all: torch.Tensor,
    mask=None,
    *,
    causal: bool = False,
    n_grid: int = 64,
    grid_max: float = 2.5,
    n_boot: int = 50,
    max_rows: int = 2048,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
) -> CriticalBeta:
    """:func:`measure_critical_beta` of given energies ``E_all`` ``[B, H, L, K]``
    (e.g. ``−logits/β_model`` of a model with soft-capping or a position
    bias; the mask as for :func:`energy_rows`)."""
    E, A, seq = _energy_rows(E_all, mask, causal=causal, max_rows=max_rows, seed=seed)
    groups = seq if np.unique(seq).size >= MIN_N else None
    sigma, n_keys = logit_spread(E, A)
    H = E.shape[0]
    beta, err, bc = (torch.full((H,), float("nan"), dtype=torch.float64) for _ in range(3))
    edge = torch.ones(H, dtype=torch.bool)
    ok = ((sigma > 1e-12) & (n_keys >= 2)).cpu()
    beta[~ok], bc[~ok] = float("inf"), float("inf")
    bc[ok] = torch.sqrt(2.0 * torch.log(n_keys.cpu().double()[ok])) / sigma.cpu().double()[ok]
    todo = torch.nonzero(ok).reshape(-1)
    top = grid_max
    for _ in range(3):  # stretch the grid of heads whose peak sits on its upper edge
        if len(todo) == 0:
            break
        x = np.linspace(0.02, top, n_grid)
        scale = bc[todo].to(E.device)
        cps = _peaks(E[todo], A[todo], scale, x, dtype, n_boot, seed, groups)
        again = []
        for h, cp in zip(todo.tolist(), cps, strict=True):
            beta[h], err[h], edge[h] = cp.beta, cp.beta_err, cp.at_edge
            if cp.at_edge and cp.beta >= x[-1] * float(bc[h]):
                again.append(h)
        todo = torch.tensor(again, dtype=torch.long)
        top *= 3.0
    return CriticalBeta(beta, err, edge, sigma.cpu(), n_keys.cpu(), bc)
