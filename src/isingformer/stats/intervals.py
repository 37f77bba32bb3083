"""Student-t intervals of a mean over a few independent values (seeds)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from isingformer.errors import InputError

__all__ = [
    "MIN_N",
    "Interval",
    "mean_interval",
    "skew_t_bounds",
    "t_half_width",
    "t_interval",
]

MIN_N = 3  # below this, report the values, not an interval
METHOD = "Student t"


@dataclass(frozen=True)
class Interval:
    """A mean with its two-sided ``level`` interval over ``n`` values.

    ``ci`` is ``None`` when ``n < MIN_N`` (then read ``values``)."""

    mean: float
    ci: tuple[float, float] | None
    n: int
    level: float
    method: str
    values: tuple[float, ...]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ci"] = None if self.ci is None else list(self.ci)
        d["values"] = list(self.values)
        return d

    def text(self, fmt: str = ".3f") -> str:
        """``"0.610 (95 % t-CI 0.52–0.71, n = 3)"`` or, below 3 values,
        ``"0.610 (n = 2: 0.600, 0.620)"``."""
        if self.ci is None:
            vals = ", ".join(format(v, fmt) for v in self.values)
            return f"{self.mean:{fmt}} (n = {self.n}: {vals})"
        lo, hi = self.ci
        pct = f"{100 * self.level:g}"
        return f"{self.mean:{fmt}} ({pct} % t-CI {lo:{fmt}} to {hi:{fmt}}, n = {self.n})"


def _check(values, level: float) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64).ravel()
    if not 0.0 < level < 1.0:
        raise InputError(f"confidence level must lie in (0, 1), got {level}")
    if not np.all(np.isfinite(v)):
        raise InputError("interval of non-finite values; drop or fix the NaN/inf entries")
    return v


@lru_cache(maxsize=256)
def _t_quantile(q: float, dof: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(q, dof))


def t_half_width(values, axis: int = -1, level: float = 0.95) -> np.ndarray:
    """Half-width ``t_{n-1} s / sqrt(n)`` of the two-sided Student-t interval of
    the mean along ``axis`` of ``values`` (n = that axis's length, >= 2), for
    many means at once (e.g. one per grid point over prompts): the rest of the
    shape. Callers refuse an interval below :data:`MIN_N` values."""
    v = np.asarray(values, dtype=np.float64)
    if not 0.0 < level < 1.0:
        raise InputError(f"confidence level must lie in (0, 1), got {level}")
    n = v.shape[axis]
    if n < 2:
        raise InputError(f"a t-interval needs >= 2 values along the axis, got {n}")
    return _t_quantile(0.5 + level / 2, n - 1) * v.std(axis=axis, ddof=1) / math.sqrt(n)


def skew_t_bounds(values, axis: int = -1, level: float = 0.95) -> np.ndarray:
    """Hall's (1992) skewness-corrected Student-t interval of the mean along
    ``axis`` of ``values`` (n = that axis's length, >= 2), for many means at once.

    With ``T = (x̄ − μ)/(s/√n)``, γ the sample skewness (m₃/m₂^{3/2}, central
    moments with divisor n), ``a = γ/(3√n)`` and ``g(T) = ((1 + aT)³ − 1)/(3a) +
    γ/(6√n)`` (a monotone cubic removing the first-order skewness of T), the
    interval is ``[x̄ − (s/√n)·g⁻¹(q), x̄ − (s/√n)·g⁻¹(−q)]``, q the Student-t
    quantile of level (n − 1 dof); ``g⁻¹(y) = (∛(1 + 3a(y − γ/(6√n))) − 1)/a``,
    the plain t interval when γ = 0. It stretches the interval towards the long
    tail of right-skewed values. Returns ``[2, *rest]`` (lower, upper), ``rest``
    the shape without ``axis``; always contains the mean. Callers refuse an
    interval below :data:`MIN_N` values.
    """
    v = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    if not 0.0 < level < 1.0:
        raise InputError(f"confidence level must lie in (0, 1), got {level}")
    n = v.shape[-1]
    if n < 2:
        raise InputError(f"an interval of the mean needs >= 2 values along the axis, got {n}")
    m = v.mean(axis=-1)
    d = v - m[..., None]
    m2, m3 = (d**2).mean(axis=-1), (d**3).mean(axis=-1)
    scale = np.maximum(np.abs(m), np.abs(v).max(axis=-1))  # roundoff floor of m2
    spread = m2 > (1e-12 * scale) ** 2
    gamma = np.where(spread, m3 / np.where(spread, m2, 1.0) ** 1.5, 0.0)
    q = _t_quantile(0.5 + level / 2, n - 1)
    a, c = gamma / (3 * math.sqrt(n)), gamma / (6 * math.sqrt(n))
    small = np.abs(a) < 1e-9
    a_safe = np.where(small, 1.0, a)

    def g_inv(y: float) -> np.ndarray:
        cubic = (np.cbrt(1.0 + 3.0 * a_safe * (y - c)) - 1.0) / a_safe
        return np.where(small, y - c, cubic)

    se = v.std(axis=-1, ddof=1) / math.sqrt(n)
    return np.stack([m - se * g_inv(q), m - se * g_inv(-q)])


def t_interval(values, level: float = 0.95) -> tuple[float, float] | None:
    """Two-sided Student-t interval ``mean ± t_{n-1} s / sqrt(n)`` of the mean
    of ``values`` (shape ``(n,)``); ``None`` when ``n < 3``. Exact coverage
    for independent normal values; paired differences (or log ratios) should
    be passed as the per-seed differences."""
    v = _check(values, level)
    if v.size < MIN_N:
        return None
    m = float(v.mean())
    half = float(t_half_width(v, level=level))
    return (m - half, m + half)


def mean_interval(values, level: float = 0.95) -> Interval:
    """The mean of ``values`` (shape ``(n,)``, n >= 1) with its Student-t
    interval (None below 3 values), ``n`` and the method named."""
    v = _check(values, level)
    if v.size == 0:
        raise InputError("interval of no values; at least one is needed")
    return Interval(
        mean=float(v.mean()),
        ci=t_interval(v, level),
        n=int(v.size),
        level=level,
        method=METHOD,
        values=tuple(float(x) for x in v),
    )
