"""Thermodynamics of finite Gibbs ensembles, batched and streamed over β.

For energies ``E[..., n]`` (any leading batch dims) and inverse temperatures
``β[k]`` the Gibbs weights are ``p_j(β) = exp(−β E_j) / Z(β)``. Everything is
computed in log space after shifting each row by its ground-state energy
``E_min``: with ``E' = E − E_min ≥ 0`` every weight ``exp(−β E')`` lies in
``(0, 1]`` and the ground state contributes exactly 1 to ``Z' = Σ exp(−β E')``,
so nothing overflows or underflows for any β ≥ 0 and any finite energies::

    log Z = −β E_min + log Z'
    U     = E_min + <E'>                F = −log Z / β
    S     = β (U − F) = log Z' + β <E'>  C = β² Var(E)
    max p = 1 / Z'                       IPR = Σ p² ,  e^S

Moments about ``E_min`` do not cancel catastrophically: at large β both
``<E'>`` and ``<E'²>`` vanish together with the variance.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import torch

from isingformer.errors import InputError

__all__ = ["Thermodynamics", "thermodynamics"]

# Elements of the β-chunk work tensor [..., k, n] allowed, as a multiple of the
# number of energies; keeps peak extra memory a small multiple of E.
_CHUNK_BUDGET = 1.0


@dataclass(frozen=True)
class Thermodynamics:
    """Thermodynamic curves of a batch of ensembles.

    Every field except ``betas`` has shape ``[..., n_beta]`` where ``...`` are
    the leading (batch) dims of the energies; ``betas`` has shape ``[n_beta]``.
    Entropy is in nats (k_B = 1); ``heat_capacity = β² Var(E)``.
    """

    betas: torch.Tensor
    log_z: torch.Tensor
    free_energy: torch.Tensor
    energy: torch.Tensor
    entropy: torch.Tensor
    heat_capacity: torch.Tensor
    var_energy: torch.Tensor
    max_weight: torch.Tensor
    ipr: torch.Tensor
    effective_states: torch.Tensor

    def mean(self) -> Thermodynamics:
        """Average every curve over all leading dims (NaN rows ignored)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "betas":
                out[f.name] = value
            else:
                flat = value.reshape(-1, value.shape[-1])
                out[f.name] = torch.nanmean(flat, dim=0)
        return Thermodynamics(**out)

    def to(self, device: str | torch.device) -> Thermodynamics:
        return Thermodynamics(**{f.name: getattr(self, f.name).to(device) for f in fields(self)})


def _as_tensor(x, dtype: torch.dtype | None, device=None) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        # go through float64 NumPy: torch.as_tensor of a Python float list is float32
        arr = np.asarray(x)
        x = arr.astype(np.float64) if arr.dtype.kind in "fiub" else arr
    t = torch.as_tensor(x, device=device)
    if dtype is not None:
        t = t.to(dtype)
    elif not t.is_floating_point():
        t = t.to(torch.float64)
    return t


def thermodynamics(
    energies,
    betas,
    mask=None,
    *,
    empty: str = "raise",
    dtype: torch.dtype | None = None,
    chunk: int | None = None,
) -> Thermodynamics:
    """Thermodynamic curves of ``energies[..., n_states]`` over ``betas[n_beta]``.

    Args:
        energies: array-like ``[..., n]`` of finite energies (torch, NumPy, list).
        betas: 1-D ``[k]`` of inverse temperatures, each ``>= 0``.
        mask: optional boolean ``[..., n]`` (broadcastable), ``True`` = allowed
            state. Masked states get zero weight.
        empty: policy for rows with no allowed state: ``"raise"`` (default,
            :class:`InputError`) or ``"nan"`` (every output of that row is NaN).
        dtype: computation dtype (default: keep a floating input's dtype, else float64).
        chunk: number of β values processed at once (default: chosen so the
            work tensor is at most about the size of ``energies``).

    Returns:
        :class:`Thermodynamics` with curves of shape ``[..., k]``, on the
        device of ``energies``.
    """
    E = _as_tensor(energies, dtype)
    if E.ndim < 1 or E.shape[-1] < 1:
        raise InputError("energies must have at least one state (shape [..., n_states])")
    b = _as_tensor(betas, E.dtype, E.device).reshape(-1)
    if b.numel() == 0:
        raise InputError("the β grid is empty")
    if not torch.isfinite(b).all() or (b < 0).any():
        raise InputError("every β must be finite and >= 0")
    if mask is not None:
        m = torch.as_tensor(mask, device=E.device).to(torch.bool).expand_as(E)
    else:
        m = None
    finite = torch.isfinite(E) if m is None else (torch.isfinite(E) | ~m)
    if not finite.all():
        raise InputError("energies must be finite where allowed (use mask= for excluded states)")

    if empty not in ("raise", "nan"):
        raise InputError(f"empty must be 'raise' or 'nan', got {empty!r}")
    batch_shape = E.shape[:-1]
    n = E.shape[-1]
    E2 = E.reshape(-1, n)  # [R, n]
    R = E2.shape[0]
    if m is not None:
        m2 = m.reshape(-1, n)
        allowed = m2.any(dim=-1)  # [R]
        if not allowed.all() and empty == "raise":
            bad = int((~allowed).sum())
            raise InputError(
                f"{bad} row(s) have no allowed state (fully masked); pass empty='nan' to get NaN"
            )
        big = torch.finfo(E.dtype).max
        e_min = torch.where(m2, E2, torch.full_like(E2, big)).amin(dim=-1)  # [R]
        e_min = torch.where(allowed, e_min, torch.zeros_like(e_min))
        Ep = torch.where(m2, E2 - e_min[:, None], torch.zeros_like(E2))  # [R, n], >= 0
        weight_mask = m2.to(E.dtype)
    else:
        allowed = None
        e_min = E2.amin(dim=-1)
        Ep = E2 - e_min[:, None]
        weight_mask = None

    # moments matrix [R, n, 2]: columns E', E'^2; column 0 doubles as E'
    M = torch.stack((Ep, Ep * Ep), dim=-1)
    del Ep
    Ep = M[..., 0]  # view [R, n]

    k = b.numel()
    if chunk is None:
        # work tensor [R, c, n] at most ~_CHUNK_BUDGET x energies (or 2^18 elements)
        budget = max(int(_CHUNK_BUDGET * R * n), 2**18)
        chunk = max(1, min(k, budget // (R * n)))
    grad = torch.is_grad_enabled() and (E.requires_grad or b.requires_grad)
    sums = torch.empty(R, k, 4, dtype=E.dtype, device=E.device)
    parts: list[torch.Tensor] = []
    for start in range(0, k, chunk):
        bc = b[start : start + chunk]  # [c]
        if grad:  # out-of-place, so autograd can differentiate through β and E
            w = torch.exp(-bc[None, :, None] * Ep[:, None, :])  # [R, c, n]
            if weight_mask is not None:
                w = w * weight_mask[:, None, :]
            parts.append(
                torch.cat(
                    (w.sum(-1, keepdim=True), torch.bmm(w, M), w.square().sum(-1, keepdim=True)),
                    dim=-1,
                )
            )
            continue
        w = bc[None, :, None] * Ep[:, None, :]  # [R, c, n]
        w.neg_().exp_()
        if weight_mask is not None:
            w.mul_(weight_mask[:, None, :])
        sums[:, start : start + chunk, 0] = w.sum(dim=-1)
        sums[:, start : start + chunk, 1:3] = torch.bmm(w, M)  # [R, c, 2]
        sums[:, start : start + chunk, 3] = w.square_().sum(dim=-1)  # Σ w²
        del w
    if grad:
        sums = torch.cat(parts, dim=1)

    z = sums[..., 0]  # Z' >= 1  [R, k]
    mean_ep = sums[..., 1] / z
    mean_ep2 = sums[..., 2] / z
    var = (mean_ep2 - mean_ep * mean_ep).clamp_min(0.0)
    log_zp = torch.log(z)
    bb = b[None, :]
    log_z = -bb * e_min[:, None] + log_zp
    energy = e_min[:, None] + mean_ep
    entropy = log_zp + bb * mean_ep
    # F = -log Z / β; at β = 0 it is -inf (pure entropy), reported as such
    safe_b = torch.where(bb > 0, bb, torch.ones_like(bb))
    free = torch.where(bb > 0, -log_z / safe_b, torch.full_like(log_z, float("-inf")))
    heat = bb * bb * var
    max_w = 1.0 / z
    ipr = sums[..., 3] / (z * z)
    eff = torch.exp(entropy)
    out = [log_z, free, energy, entropy, heat, var, max_w, ipr, eff]
    if allowed is not None and not allowed.all():
        nan = torch.tensor(float("nan"), dtype=E.dtype, device=E.device)
        out = [torch.where(allowed[:, None], t, nan) for t in out]
    shape = (*batch_shape, k)
    out = [t.reshape(shape) for t in out]
    return Thermodynamics(b, *out)
