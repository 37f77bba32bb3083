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

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np
import torch
from torch.nn.functional import threshold_

from isingformer.errors import InputError
from isingformer.validate import check_int

__all__ = [
    "Thermodynamics",
    "fused_grid_sums",
    "gibbs_probabilities",
    "is_uniform_grid",
    "thermodynamics",
]

# Bytes of one work array [rows, n] (or [β-chunk, rows, n]): small enough to
# stay in cache and to keep peak extra memory a small multiple of the energies,
# large enough that the per-call overhead of the ~9 tensor ops per β step is
# amortized (float32 therefore gets twice as many elements as float64).
_BLOCK_BYTES = 2**20


def _block(dtype: torch.dtype) -> int:
    """Elements in one work block for ``dtype``."""
    return _BLOCK_BYTES // torch.finfo(dtype).bits * 8


# On an accelerator the per-β loop below is bound by kernel launches (thousands
# of small kernels: 1.4x the 16-thread CPU on an H200): there a block of β
# values goes through one batched pass of [c, r, n] work tensors of at most
# this many bytes (still independent of the grid size).
_DEVICE_BLOCK_BYTES = 2**28

# On a uniform β grid, weights advance by one multiplication per step
# (w(β + Δ) = w(β)·exp(−Δ E')) and are recomputed exactly every _RESYNC steps,
# which bounds the accumulated rounding to a few ulps.
_RESYNC = 16


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
    log_degeneracy=None,
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
        log_degeneracy: optional ``[..., n]`` (broadcastable) log multiplicity
            ln g of each entry, for level tables (an entry then stands for g
            microstates of equal energy). Entropy, max weight and IPR refer to
            microstates: max weight = e^(−βE_min)/Z, IPR = Σ_levels g p².
            This path is not differentiable (results carry no gradient).

    Returns:
        :class:`Thermodynamics` with curves of shape ``[..., k]``, on the
        device of ``energies``.
    """
    E = _as_tensor(energies, dtype)
    if E.ndim < 1 or E.shape[-1] < 1:
        raise InputError("energies must have at least one state (shape [..., n_states])")
    b = _as_tensor(betas, E.dtype, E.device)
    if b.ndim > 1:
        raise InputError(f"betas must be 1-D [k], got shape {tuple(b.shape)}")
    b = b.reshape(-1)
    if chunk is not None:
        chunk = check_int(chunk, "chunk", ge=1)
    if b.numel() == 0:
        raise InputError("the β grid is empty")
    if not torch.isfinite(b).all() or (b < 0).any():
        raise InputError("every β must be finite and >= 0")
    if mask is not None:
        m = torch.as_tensor(mask, device=E.device).to(torch.bool)
        try:
            m = m.expand_as(E)
        except RuntimeError:
            raise InputError(
                f"mask of shape {tuple(m.shape)} does not broadcast to energies {tuple(E.shape)}"
            ) from None
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
    m2 = None if m is None else m.reshape(-1, n)
    allowed = None
    if m2 is not None:
        allowed = m2.any(dim=-1)  # [R]
        if not allowed.all() and empty == "raise":
            bad = int((~allowed).sum())
            raise InputError(
                f"{bad} row(s) have no allowed state (fully masked); pass empty='nan' to get NaN"
            )
        big = torch.finfo(E.dtype).max
        e_min = torch.where(m2, E2, torch.full_like(E2, big)).amin(dim=-1)  # [R]
        e_min = torch.where(allowed, e_min, torch.zeros_like(e_min))
    else:
        e_min = E2.amin(dim=-1)

    shift = None
    grad = torch.is_grad_enabled() and (E.requires_grad or b.requires_grad)
    if log_degeneracy is not None:
        log_g = _as_tensor(log_degeneracy, E.dtype, E.device).expand_as(E).reshape(-1, n)
        if not torch.isfinite(log_g).all():
            raise InputError("log_degeneracy must be finite")
        with torch.no_grad():  # level tables are data: no autograd through this path
            sums, shift = _sums_degenerate(E2, e_min, m2, b, log_g)  # [4, k, R], [k, R]
        e_min = e_min.detach()
        grad = False
    elif grad:
        Ep = E2 - e_min[:, None]
        if m2 is not None:
            Ep = torch.where(m2, Ep, torch.zeros_like(Ep))
        sums = _sums_autograd(Ep, None if m2 is None else m2.to(E.dtype), b)  # [4, k, R]
    else:
        sums = _sums_streamed(E2, e_min, m2, b, chunk)  # [4, k, R]

    # Post-processing; without autograd, in place in the sums buffer so the
    # peak memory stays a small multiple of the outputs.
    ip = not grad
    bb = b[:, None]  # [k, 1]
    z, s1, s2, s3 = sums[0], sums[1], sums[2], sums[3]  # [k, R]; Z' >= 1
    mean_ep = s1.div_(z) if ip else s1 / z
    mean_ep2 = s2.div_(z) if ip else s2 / z
    var = (
        mean_ep2.sub_(mean_ep * mean_ep).clamp_min_(0.0)
        if ip
        else (mean_ep2 - mean_ep**2).clamp_min(0.0)
    )
    ipr = s3.div_(z).div_(z) if ip else s3 / (z * z)
    log_zp = torch.log(z)
    if shift is not None:  # Σw was scaled by e^(−shift) to stay finite
        log_zp = log_zp.add_(shift)
        max_w = torch.exp(-log_zp)
    else:
        max_w = z.reciprocal_() if ip else 1.0 / z
    entropy = log_zp + bb * mean_ep
    energy = mean_ep.add_(e_min) if ip else mean_ep + e_min
    log_z = log_zp.sub_(bb * e_min) if ip else log_zp - bb * e_min
    # F = -log Z / β; at β = 0 it is -inf (pure entropy), reported as such
    safe_b = torch.where(bb > 0, bb, torch.ones_like(bb))
    free = torch.where(bb > 0, -log_z / safe_b, torch.full_like(log_z, float("-inf")))
    heat = var * (bb * bb)
    eff = torch.exp(entropy)
    out = [log_z, free, energy, entropy, heat, var, max_w, ipr, eff]  # each [k, R]
    if allowed is not None and not allowed.all():
        nan = torch.tensor(float("nan"), dtype=E.dtype, device=E.device)
        out = [torch.where(allowed[None, :], t, nan) for t in out]
    shape = (*batch_shape, b.numel())
    out = [t.T.reshape(shape) for t in out]  # views [..., k] (β is the last, strided dim)
    return Thermodynamics(b, *out)


def _sums_autograd(
    Ep: torch.Tensor, weight_mask: torch.Tensor | None, b: torch.Tensor
) -> torch.Tensor:
    """Out-of-place sums so autograd can differentiate through β and E.
    Returns [4, k, R]: Σw, Σw E', Σw E'², Σw²."""
    w = torch.exp(-b[None, :, None] * Ep[:, None, :])  # [R, k, n]
    if weight_mask is not None:
        w = w * weight_mask[:, None, :]
    e = Ep[:, None, :]
    sums = (w.sum(-1), (w * e).sum(-1), (w * e * e).sum(-1), (w * w).sum(-1))  # each [R, k]
    return torch.stack(sums, dim=0).transpose(1, 2)  # [4, k, R]


def is_uniform_grid(b: torch.Tensor) -> bool:
    """Whether the β grid ``b`` [k] (k >= 4) is increasing with equal steps up to
    rounding to its dtype (the condition of the multiplicative recurrence)."""
    if b.numel() < 4:
        return False
    d = torch.diff(b)
    # A grid rounded to the working dtype (e.g. a float64 linspace cast to
    # float32) is uniform up to a few ulps of its largest value; the
    # recurrence's β error is then at most _RESYNC such ulps between resyncs.
    tol = max(1e-9 * float(d[0].abs()), 8 * torch.finfo(b.dtype).eps * float(b.abs().max()))
    return bool(d.min() > 0) and bool(((d - d[0]).abs() <= tol).all())


def _sums_streamed(
    E2: torch.Tensor,
    e_min: torch.Tensor,
    m2: torch.Tensor | None,
    b: torch.Tensor,
    chunk: int | None,
) -> torch.Tensor:
    """Σw, Σw E', Σw E'², Σw² for every β and row, with E' = E − E_min,
    streaming over row blocks and β so the work memory stays O(_BLOCK_BYTES)
    whatever the grid size. Returns [4, k, R]."""
    if E2.device.type != "cpu":
        return _sums_batched(E2, e_min, m2, b, chunk)
    R, n = E2.shape
    k = b.numel()
    out = torch.empty(4, k, R, dtype=E2.dtype, device=E2.device)  # rows contiguous per (q, β)
    block = _block(E2.dtype)
    rows = max(1, block // n)
    # Weights below eps² of the ground state's (which is 1) cannot change any
    # sum at working precision; flushing them to 0 at every step keeps the
    # arithmetic out of subnormal numbers, which are ~100x slower on CPUs. In
    # float32 two multiplications of weights near eps² already reach the
    # subnormal range, so the flush must be per step; ``threshold_`` is one
    # fused pass (~10x cheaper than a comparison plus ``masked_fill_``).
    tiny = torch.finfo(E2.dtype).eps ** 2
    uniform = chunk is None and is_uniform_grid(b)
    if uniform and E2.device.type == "cpu" and E2.dtype in (torch.float32, torch.float64):
        return fused_grid_sums(E2, e_min, m2, b)
    for r0 in range(0, R, rows):
        e = E2[r0 : r0 + rows] - e_min[r0 : r0 + rows, None]  # [r, n], >= 0 where allowed
        msk = None
        if m2 is not None:
            msk = m2[r0 : r0 + rows].to(e.dtype)
            e.mul_(msk)  # masked energies -> 0 (finite); their weight is zeroed below
        t = torch.empty_like(e)
        if uniform:
            ratio = torch.exp(-(b[1] - b[0]) * e)  # [r, n]
            threshold_(ratio, tiny, 0.0)
            w = torch.empty_like(e)
            for j in range(k):
                if j % _RESYNC == 0:
                    torch.mul(e, -b[j], out=w).exp_()
                    if msk is not None:
                        w.mul_(msk)
                else:
                    w.mul_(ratio)
                threshold_(w, tiny, 0.0)
                _accumulate(w, e, t, out, j, r0)
        else:
            c = chunk or max(1, min(k, block // max(1, e.numel())))
            for j0 in range(0, k, c):
                bc = b[j0 : j0 + c]
                wc = (bc[:, None, None] * e[None]).neg_().exp_()  # [c, r, n]
                threshold_(wc, tiny, 0.0)
                if msk is not None:
                    wc.mul_(msk)
                for jj in range(wc.shape[0]):
                    _accumulate(wc[jj], e, t, out, j0 + jj, r0)
    return out


def _sums_batched(
    E2: torch.Tensor,
    e_min: torch.Tensor,
    m2: torch.Tensor | None,
    b: torch.Tensor,
    chunk: int | None,
) -> torch.Tensor:
    """The sums of :func:`_sums_streamed` for accelerators: per block of rows, a
    block of ``c`` β values at once as ``[c, r, n]`` weights (one exp per weight,
    no per-β launches), in at most ``_DEVICE_BLOCK_BYTES`` of work memory.
    Returns [4, k, R]."""
    R, n = E2.shape
    k = b.numel()
    out = torch.empty(4, k, R, dtype=E2.dtype, device=E2.device)
    block = max(1, _DEVICE_BLOCK_BYTES // E2.element_size())
    rows = max(1, min(R, block // n))
    tiny = torch.finfo(E2.dtype).eps ** 2
    for r0 in range(0, R, rows):
        e = E2[r0 : r0 + rows] - e_min[r0 : r0 + rows, None]  # [r, n]
        msk = None
        if m2 is not None:
            msk = m2[r0 : r0 + rows].to(e.dtype)
            e.mul_(msk)
        r1 = r0 + e.shape[0]
        c = chunk or max(1, min(k, block // e.numel()))
        for j0 in range(0, k, c):
            j1 = min(k, j0 + c)
            w = (b[j0:j1, None, None] * e[None]).neg_().exp_()  # [c, r, n]
            threshold_(w, tiny, 0.0)
            if msk is not None:
                w.mul_(msk)
            torch.sum(w, -1, out=out[0, j0:j1, r0:r1])
            torch.linalg.vector_norm(w, 2, dim=-1, out=out[3, j0:j1, r0:r1])
            out[3, j0:j1, r0:r1].square_()
            w.mul_(e)
            torch.sum(w, -1, out=out[1, j0:j1, r0:r1])
            w.mul_(e)
            torch.sum(w, -1, out=out[2, j0:j1, r0:r1])
    return out


def fused_grid_sums(
    E2: torch.Tensor, e_min: torch.Tensor, m2: torch.Tensor | None, b: torch.Tensor
) -> torch.Tensor:
    """The uniform-grid sums on the CPU by the fused Numba kernel (one pass per
    β step, rows in cache, sums in the input dtype), on torch's thread count.
    Returns [4, k, R] in the dtype of ``E2``."""
    from isingformer.ensemble._kernels import uniform_grid_sums

    R = E2.shape[0]
    E = E2.detach().contiguous().numpy()
    mask = (
        np.zeros((1, 1), dtype=np.uint8) if m2 is None else m2.contiguous().numpy().view(np.uint8)
    )
    out = np.empty((4, b.numel(), R), dtype=E.dtype)
    tiny = float(torch.finfo(E2.dtype).eps) ** 2
    args = (
        E,
        e_min.detach().contiguous().numpy(),
        mask,
        m2 is not None,
        b.detach().contiguous().numpy(),
        _RESYNC,
        E.dtype.type(tiny),
        out,
    )
    threads = max(1, torch.get_num_threads())
    if threads == 1 or R < 2:
        uniform_grid_sums(*args, 0, R)
    else:
        # row ranges handed out dynamically (a shared 2-core machine deschedules
        # threads: static halves would wait for the slowest one)
        step = max(1, R // (8 * threads))
        with ThreadPoolExecutor(threads) as pool:
            jobs = [
                pool.submit(uniform_grid_sums, *args, r0, min(R, r0 + step))
                for r0 in range(0, R, step)
            ]
            for job in jobs:
                job.result()
    return torch.from_numpy(out)


def _accumulate(
    w: torch.Tensor, e: torch.Tensor, t: torch.Tensor, out: torch.Tensor, j: int, r0: int
):
    r1 = r0 + w.shape[0]
    torch.sum(w, -1, out=out[0, j, r0:r1])
    torch.mul(w, e, out=t)
    torch.sum(t, -1, out=out[1, j, r0:r1])
    t.mul_(e)
    torch.sum(t, -1, out=out[2, j, r0:r1])
    # Σw² as a squared 2-norm: one fused reduction instead of a product and a sum
    s3 = out[3, j, r0:r1]
    torch.linalg.vector_norm(w, 2, dim=-1, out=s3)
    s3.square_()


def _sums_degenerate(
    E2: torch.Tensor,
    e_min: torch.Tensor,
    m2: torch.Tensor | None,
    b: torch.Tensor,
    log_g: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Sums over levels with multiplicities g: weights g e^(−βE'), shifted per
    (β, row) by their log-maximum c so nothing overflows. Returns ([4, k, R]:
    Σw, Σw E', Σw E'², Σw²/g) scaled by e^(−c), and c [k, R]."""
    R, n = E2.shape
    k = b.numel()
    out = torch.empty(4, k, R, dtype=E2.dtype, device=E2.device)
    shift = torch.empty(k, R, dtype=E2.dtype, device=E2.device)
    block = _block(E2.dtype)
    rows = max(1, block // n)
    for r0 in range(0, R, rows):
        e = E2[r0 : r0 + rows] - e_min[r0 : r0 + rows, None]  # [r, n]
        lg = log_g[r0 : r0 + rows]
        neg_inf = torch.tensor(float("-inf"), dtype=e.dtype, device=e.device)
        if m2 is not None:
            e = torch.where(m2[r0 : r0 + rows], e, torch.zeros_like(e))
        c = max(1, min(k, block // max(1, e.numel())))
        for j0 in range(0, k, c):
            a = lg[None] - b[j0 : j0 + c, None, None] * e[None]  # [c, r, n]
            if m2 is not None:
                a = torch.where(m2[r0 : r0 + rows][None], a, neg_inf)
            top = a.amax(-1)  # [c, r]
            w = torch.exp(a - top[..., None])
            sl = (slice(j0, j0 + c), slice(r0, r0 + e.shape[0]))
            shift[sl] = top
            out[0][sl] = w.sum(-1)
            out[1][sl] = (w * e).sum(-1)
            out[2][sl] = (w * e * e).sum(-1)
            out[3][sl] = (w * w * torch.exp(-lg)[None]).sum(-1)
    return out, shift


def gibbs_probabilities(energies, betas, log_degeneracy=None) -> torch.Tensor:
    """Probabilities of each state (or level, with ``log_degeneracy``) at each
    β: ``p[..., k, n] = g e^(−β_k E) / Z``. Materializes ``[..., k, n]``: use it
    for averages of other observables over small tables; the thermodynamic
    curves themselves come from :func:`thermodynamics` without it."""
    E = _as_tensor(energies, None)
    b = _as_tensor(betas, E.dtype, E.device).reshape(-1)
    if b.numel() == 0 or not torch.isfinite(b).all():
        raise InputError("the β grid must be non-empty and finite")
    if not torch.isfinite(E).all():
        raise InputError("energies must be finite")
    a = -b[:, None] * E[..., None, :]  # [..., k, n]
    if log_degeneracy is not None:
        a = a + _as_tensor(log_degeneracy, E.dtype, E.device)[..., None, :]
    return torch.softmax(a, dim=-1)
