"""β policies: how each head's inverse temperature is chosen.

Every policy is an ``nn.Module`` with

- ``beta() -> [H]``: the effective β per head (``current_beta`` is an alias);
- ``apply(q, k, key_padding_mask, causal) -> (q, k, scale)``: the transformed
  ``q, k`` ``[B, H, L, d]`` and the float ``scale`` to give
  ``F.scaled_dot_product_attention``. A β that is one Python number uses the
  fused kernel's ``scale``; a per-head, per-position or learnable β is folded
  into ``q`` and ``scale = 1.0`` (SDPA accepts only a float scale);
- ``set_step(step)`` (used by ``annealed``; a no-op elsewhere);
- ``calibrate(q, k, mask=None)`` (``critical`` and ``annealed`` with a
  critical target measure β*; a no-op returning ``beta()`` elsewhere);
  ``remeasure`` is an alias.

Policies (``make_beta_policy(name, n_heads, d_head, **kw)``):

``sqrt_dk``     β = 1/sqrt(d_head), the standard.
``fixed``       ``beta=`` one float or one per head.
``learned``     per-head ``β_h = exp(θ_h)``, ``θ`` trainable, init ``init``
                (default 1/sqrt(d_head)).
``critical``    β_h = γ · β*_h, β*_h the heat-capacity peak of head h's
                attention rows on a calibration batch (see ``calibrate``);
                1/sqrt(d_head) until the first calibration.
``log_length``  SSMax: logits ``s_h · ln(n_i) · q·k / sqrt(d)``, ``n_i`` the
                number of keys query i sees; ``s_h`` trainable, init
                ``1/ln(ref_len)`` so that β equals 1/sqrt(d) at ``ref_len``
                (default ``max_len``). ``beta()`` reports β at ``ref_len``.
``qk_norm``     logits ``g_h · q̂·k̂`` with L2-normalized q, k; ``g_h``
                trainable, init ``log2(L² − L)`` with ``L = ref_len`` (Henry et
                al. 2020). ``beta()`` is ``g`` — a β for *unit* vectors, not
                comparable with the β of raw projections.
``annealed``    β(step) goes from a high temperature (``start``, default
                ``start_ratio · target``, ratio 0.1) to ``target`` over
                ``steps`` steps (``linear``, ``cosine`` or ``geometric``), then
                stays there. ``target`` is a float, a per-head list,
                ``"sqrt_dk"`` or ``"critical"`` (then ``calibrate`` sets it to
                γ·β*, like the ``critical`` policy).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from isingformer.attention.energies import CriticalBeta, measure_critical_beta
from isingformer.errors import InputError

__all__ = [
    "BETA_POLICIES",
    "AnnealedBeta",
    "BetaPolicy",
    "CriticalBetaPolicy",
    "FixedBeta",
    "LearnedBeta",
    "LogLengthBeta",
    "QKNormBeta",
    "SqrtDkBeta",
    "make_beta_policy",
]


def _per_head(value, n_heads: int, what: str, dtype=torch.float32) -> torch.Tensor:
    t = torch.as_tensor(value, dtype=dtype).reshape(-1)
    if t.numel() == 1:
        t = t.expand(n_heads).clone()
    if t.numel() != n_heads:
        raise InputError(f"{what} needs 1 or {n_heads} values, got {t.numel()}")
    if not torch.isfinite(t).all() or (t <= 0).any():
        raise InputError(f"{what} must be finite and > 0, got {t.tolist()}")
    return t


def _uniform(t: torch.Tensor) -> float | None:
    """The common value of a constant per-head tensor, else None."""
    if t.requires_grad:
        return None
    flat = t.detach().reshape(-1)
    return float(flat[0]) if bool((flat == flat[0]).all()) else None


class BetaPolicy(nn.Module):
    """Base class of the β policies (see the module docstring)."""

    name = "base"
    uses_max_len = False

    def __init__(self, n_heads: int, d_head: int) -> None:
        super().__init__()
        if n_heads < 1 or d_head < 1:
            raise InputError(f"n_heads and d_head must be >= 1, got {n_heads}, {d_head}")
        self.n_heads = n_heads
        self.d_head = d_head
        self.causal = True  # set by the owning attention module; used by calibrate

    def beta(self) -> torch.Tensor:
        """Effective β per head, ``[H]``."""
        raise NotImplementedError

    def current_beta(self) -> torch.Tensor:
        return self.beta()

    def _scalar(self) -> float | None:
        """A Python float when β is one untrainable number for every head."""
        return None

    def apply(
        self,
        q: torch.Tensor,
        k: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        causal: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor, float]:
        """Fold β into ``(q, k, scale)``; ``q, k``: ``[B, H, L, d]``."""
        s = self._scalar()
        if s is not None:
            return q, k, s
        b = self.beta().to(dtype=q.dtype, device=q.device)
        return q * b[None, :, None, None], k, 1.0

    def set_step(self, step: int) -> None:
        """Training step (only ``annealed`` uses it)."""

    def calibrate(self, q: torch.Tensor, k: torch.Tensor, mask=None) -> torch.Tensor:
        """Re-measure β from a calibration batch (no-op here); returns ``beta()``."""
        return self.beta().detach()

    def remeasure(self, q: torch.Tensor, k: torch.Tensor, mask=None) -> torch.Tensor:
        return self.calibrate(q, k, mask)

    def extra_repr(self) -> str:
        return f"n_heads={self.n_heads}, d_head={self.d_head}"


class SqrtDkBeta(BetaPolicy):
    """β = 1/sqrt(d_head) for every head."""

    name = "sqrt_dk"

    def _scalar(self) -> float:
        return 1.0 / math.sqrt(self.d_head)

    def beta(self) -> torch.Tensor:
        return torch.full((self.n_heads,), self._scalar())


class FixedBeta(BetaPolicy):
    """A fixed β: one float, or one per head."""

    name = "fixed"

    def __init__(self, n_heads: int, d_head: int, *, beta=None) -> None:
        super().__init__(n_heads, d_head)
        b = 1.0 / math.sqrt(d_head) if beta is None else beta
        # float64: the scalar fast path reads this exact number
        self.register_buffer("value", _per_head(b, n_heads, "beta", torch.float64))
        self._const = _uniform(self.value)

    def _scalar(self) -> float | None:
        return self._const

    def beta(self) -> torch.Tensor:
        return self.value


class LearnedBeta(BetaPolicy):
    """Trainable per-head β = exp(θ_h)."""

    name = "learned"

    def __init__(self, n_heads: int, d_head: int, *, init=None) -> None:
        super().__init__(n_heads, d_head)
        b = 1.0 / math.sqrt(d_head) if init is None else init
        self.log_beta = nn.Parameter(_per_head(b, n_heads, "init").log())

    def beta(self) -> torch.Tensor:
        return self.log_beta.exp()


def _critical_update(
    policy: BetaPolicy, q: torch.Tensor, k: torch.Tensor, mask, gamma: float, per_head: bool, kw
) -> tuple[torch.Tensor, CriticalBeta]:
    """γ·β* per head (or γ·median β* for all heads); heads without a finite β* keep NaN."""
    if q.ndim != 4 or q.shape[1] != policy.n_heads:
        raise InputError(f"calibrate needs q, k of shape [B, {policy.n_heads}, L, d]")
    crit = measure_critical_beta(q, k, mask, causal=policy.causal, **kw)
    star = crit.beta.clone()
    ok = torch.isfinite(star)
    if not per_head and ok.any():
        star = torch.full_like(star, float(star[ok].median()))
    return gamma * star, crit


class CriticalBetaPolicy(BetaPolicy):
    """β_h = γ · β*_h from the measured heat-capacity peak (see :meth:`calibrate`).

    Args:
        gamma: γ, the multiple of the critical point (1 = at criticality).
        per_head: one β per head (default) or the median β* for all heads.
        measure_kwargs: options of :func:`measure_critical_beta`
            (``n_grid``, ``grid_max``, ``n_boot``, ``max_rows``, ``seed``).
    """

    name = "critical"

    def __init__(
        self,
        n_heads: int,
        d_head: int,
        *,
        gamma: float = 1.0,
        per_head: bool = True,
        measure_kwargs: dict | None = None,
    ) -> None:
        super().__init__(n_heads, d_head)
        if not (math.isfinite(gamma) and gamma > 0):
            raise InputError(f"gamma must be finite and > 0, got {gamma}")
        self.gamma = float(gamma)
        self.per_head = bool(per_head)
        self.measure_kwargs = dict(measure_kwargs or {})
        self.register_buffer(
            "value", torch.full((n_heads,), 1.0 / math.sqrt(d_head), dtype=torch.float64)
        )
        self.register_buffer("n_calibrations", torch.zeros((), dtype=torch.long))
        self.last_measurement: CriticalBeta | None = None
        self._const = _uniform(self.value)

    def _scalar(self) -> float | None:
        return self._const

    def beta(self) -> torch.Tensor:
        return self.value

    @torch.no_grad()
    def calibrate(self, q: torch.Tensor, k: torch.Tensor, mask=None) -> torch.Tensor:
        """Measure β*_h on ``q, k`` ``[B, H, L, d]`` (raw projections, the
        attention module's ``last_q``/``last_k``) and set β_h = γ β*_h in place.

        ``mask``: ``[B, L]`` key padding (True = real token) or a full
        ``[B, 1|H, L, L]`` allowed mask; the causal mask of the owning module
        is added to a ``[B, L]`` mask. A head with no finite β* (constant
        logits) keeps its previous β. Returns the new ``beta()``.
        """
        new, crit = _critical_update(
            self, q, k, mask, self.gamma, self.per_head, self.measure_kwargs
        )
        new = new.to(self.value.device)
        self.value.copy_(torch.where(torch.isfinite(new), new, self.value))
        self.n_calibrations += 1
        self.last_measurement = crit
        self._const = _uniform(self.value)
        return self.value.clone()

    def _load_from_state_dict(self, *args, **kwargs) -> None:
        super()._load_from_state_dict(*args, **kwargs)
        self._const = _uniform(self.value)


class LogLengthBeta(BetaPolicy):
    """SSMax: logits ``s_h ln(n_i) q·k / sqrt(d)`` with ``n_i`` keys visible to query i."""

    name = "log_length"
    uses_max_len = True

    def __init__(
        self, n_heads: int, d_head: int, *, s_init=None, ref_len: int | None = None, max_len=None
    ) -> None:
        super().__init__(n_heads, d_head)
        # explicit values (0 included) are checked, not replaced by the default
        ref = int(next((v for v in (ref_len, max_len) if v is not None), 1024))
        if ref < 2:
            raise InputError(f"ref_len must be >= 2, got {ref}")
        self.ref_len = ref
        s = 1.0 / math.log(ref) if s_init is None else s_init
        self.s = nn.Parameter(_per_head(s, n_heads, "s_init"))

    def beta(self) -> torch.Tensor:
        return self.s * math.log(self.ref_len) / math.sqrt(self.d_head)

    def apply(self, q, k, key_padding_mask=None, causal=False):
        L = q.shape[2]
        if key_padding_mask is None:
            n = torch.arange(1, L + 1, device=q.device) if causal else torch.full((L,), L)
            n = n.to(device=q.device, dtype=q.dtype)[None, None, :, None]  # [1, 1, L, 1]
        else:
            kpm = key_padding_mask.to(q.dtype)  # [B, L]
            n = kpm.cumsum(-1) if causal else kpm.sum(-1, keepdim=True).expand_as(kpm)
            n = n[:, None, :, None]  # [B, 1, L, 1]
        factor = self.s.to(q.dtype)[None, :, None, None] * n.clamp_min(1.0).log()
        return q * (factor / math.sqrt(self.d_head)), k, 1.0


class QKNormBeta(BetaPolicy):
    """QK-norm: logits ``g_h q̂·k̂`` with unit q̂, k̂ and trainable ``g_h``."""

    name = "qk_norm"
    uses_max_len = True

    def __init__(
        self, n_heads: int, d_head: int, *, g_init=None, ref_len: int | None = None, max_len=None
    ) -> None:
        super().__init__(n_heads, d_head)
        # explicit values (0 included) are checked, not replaced by the default
        ref = int(next((v for v in (ref_len, max_len) if v is not None), 1024))
        if ref < 2:
            raise InputError(f"ref_len must be >= 2, got {ref}")
        self.ref_len = ref
        g = math.log2(ref * ref - ref) if g_init is None else g_init
        self.g = nn.Parameter(_per_head(g, n_heads, "g_init"))

    def beta(self) -> torch.Tensor:
        return self.g

    def apply(self, q, k, key_padding_mask=None, causal=False):
        qn = nn.functional.normalize(q, dim=-1) * self.g.to(q.dtype)[None, :, None, None]
        return qn, nn.functional.normalize(k, dim=-1), 1.0


_SHAPES = ("linear", "cosine", "geometric")


class AnnealedBeta(BetaPolicy):
    """β(step) from a high temperature to ``target`` over ``steps`` steps."""

    name = "annealed"

    def __init__(
        self,
        n_heads: int,
        d_head: int,
        *,
        target="sqrt_dk",
        start=None,
        start_ratio: float = 0.1,
        steps: int = 1000,
        shape: str = "linear",
        gamma: float = 1.0,
        measure_kwargs: dict | None = None,
    ) -> None:
        super().__init__(n_heads, d_head)
        if shape not in _SHAPES:
            raise InputError(f"shape must be one of {_SHAPES}, got {shape!r}")
        if steps < 1:
            raise InputError(f"steps must be >= 1, got {steps}")
        if not (math.isfinite(start_ratio) and start_ratio > 0):
            raise InputError(f"start_ratio must be > 0, got {start_ratio}")
        self.critical_target = target == "critical"
        if isinstance(target, str) and target not in ("sqrt_dk", "critical"):
            raise InputError(
                f"target must be a number, a list, 'sqrt_dk' or 'critical': {target!r}"
            )
        t = 1.0 / math.sqrt(d_head) if isinstance(target, str) else target
        self.register_buffer("target", _per_head(t, n_heads, "target", torch.float64))
        self.start = None if start is None else _per_head(start, n_heads, "start")
        self.start_ratio = float(start_ratio)
        self.steps = int(steps)
        self.shape = shape
        self.gamma = float(gamma)
        self.measure_kwargs = dict(measure_kwargs or {})
        self.register_buffer("step", torch.zeros((), dtype=torch.long))
        self.last_measurement: CriticalBeta | None = None

    def set_step(self, step: int) -> None:
        self.step.fill_(int(step))

    def progress(self) -> float:
        return min(max(int(self.step) / self.steps, 0.0), 1.0)

    def beta(self) -> torch.Tensor:
        t = self.progress()
        b1 = self.target
        b0 = self.start.to(b1.device) if self.start is not None else self.start_ratio * b1
        if self.shape == "linear":
            return b0 + (b1 - b0) * t
        if self.shape == "cosine":
            return b0 + (b1 - b0) * 0.5 * (1.0 - math.cos(math.pi * t))
        return b0 * (b1 / b0) ** t

    def _scalar(self) -> float | None:
        return _uniform(self.beta())

    @torch.no_grad()
    def calibrate(self, q: torch.Tensor, k: torch.Tensor, mask=None) -> torch.Tensor:
        """With ``target="critical"``: set the target to γ·β* (as ``critical``)."""
        if self.critical_target:
            new, crit = _critical_update(self, q, k, mask, self.gamma, True, self.measure_kwargs)
            new = new.to(self.target.device)
            self.target.copy_(torch.where(torch.isfinite(new), new, self.target))
            self.last_measurement = crit
        return self.beta().detach()


BETA_POLICIES: dict[str, type[BetaPolicy]] = {
    cls.name: cls
    for cls in (
        SqrtDkBeta,
        FixedBeta,
        LearnedBeta,
        CriticalBetaPolicy,
        LogLengthBeta,
        QKNormBeta,
        AnnealedBeta,
    )
}


def make_beta_policy(name: str, n_heads: int, d_head: int, **kwargs) -> BetaPolicy:
    """Build a β policy by name (see :data:`BETA_POLICIES`). ``max_len`` is
    accepted by every policy and used by those with a reference length; an
    unknown name or option is an :class:`InputError`."""
    if name not in BETA_POLICIES:
        raise InputError(f"unknown β policy {name!r}; choose from {sorted(BETA_POLICIES)}")
    cls = BETA_POLICIES[name]
    max_len = kwargs.pop("max_len", None)
    if cls.uses_max_len and max_len is not None:
        kwargs["max_len"] = max_len
    try:
        return cls(n_heads, d_head, **kwargs)
    except TypeError as exc:
        raise InputError(f"bad options for β policy {name!r}: {exc}") from None
