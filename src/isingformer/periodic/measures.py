"""The measurements behind the periodic-attention claims (seed 000, Remark 7).

Everything acts on attention logits ``s[..., T, T]`` (query i, key j) with a
boolean ``allowed[..., T, T]`` (the causal mask). The ensemble of a query row
is the Gibbs law of ``E_ij = −s_ij`` over its allowed keys, so the model itself
sits at the inverse temperature ``β = 1`` and ``β`` rescales every logit
(content and positional bias alike).

- :func:`attention_entropy`: entropy of each row's attention, ``[..., T]``.
- :func:`row_heat_capacity` and :func:`peak_beta`: C(β) = β² Var(E) per row
  and its peak β*.
- :func:`tenths_spread`: the edge effect, spread of a per-position profile
  between the first, middle and last tenth of positions.
- :func:`mean_distance`, :func:`distance_profile`, :func:`decay_length`:
  ``⟨d⟩`` and the length ξ of ``w(d) ∝ e^{−d/ξ}``.
- :func:`peak_fwhm` and :func:`rounding_exponent`: the C-peak's full width at
  half maximum relative to β*, and the exponent θ of ``width ~ N^{−θ}``.
- :func:`wrap_fraction`: under a causal mask the circular distance differs from
  ``|i − j|`` only for ``i − j > N/2``; the share of attention mass (and of
  pairs) there bounds what the periodic term can move at all.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from isingformer.errors import InputError
from isingformer.validate import check_int

__all__ = [
    "attention_entropy",
    "causal_allowed",
    "decay_length",
    "distance_profile",
    "mean_distance",
    "nan_mean",
    "peak_beta",
    "peak_fwhm",
    "rounding_exponent",
    "row_heat_capacity",
    "tenths_spread",
    "wrap_fraction",
]


def nan_mean(a, axis=None):
    """Mean ignoring NaN/inf; NaN (and no warning) where nothing is finite."""
    a = np.asarray(a, dtype=np.float64)
    ok = np.isfinite(a)
    n = ok.sum(axis)
    total = np.where(ok, a, 0.0).sum(axis)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def causal_allowed(t: int) -> torch.Tensor:
    """``[t, t]`` bool, True where key ``j <= i``."""
    return torch.tril(torch.ones(t, t, dtype=torch.bool))


def _probs(logits: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    s = logits.double().masked_fill(~allowed, -math.inf)
    return torch.softmax(s, dim=-1)


def attention_entropy(logits: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """Entropy (nats) of each query row's attention: ``[..., T, T] -> [..., T]``."""
    p = _probs(logits, allowed)
    logp = torch.where(p > 0, p.log(), torch.zeros_like(p))
    return -(p * logp).sum(-1)


def row_heat_capacity(
    logits: torch.Tensor, allowed: torch.Tensor, betas: np.ndarray
) -> torch.Tensor:
    """``C_i(β) = β² Var_β(E_i)`` with ``E_ij = −s_ij`` over the allowed keys:
    ``[..., T, T] -> [..., T, K]`` for ``betas [K]`` (the model is at β = 1)."""
    b = np.asarray(betas, dtype=np.float64)
    if b.ndim != 1 or b.size < 3 or np.any(b <= 0) or not np.all(np.isfinite(b)):
        raise InputError("betas must be at least 3 finite values > 0")
    e = -logits.double()
    e = e - e.masked_fill(~allowed, math.inf).amin(-1, keepdim=True)  # ground state at 0
    e = e.masked_fill(~allowed, 0.0)
    out = []
    for beta in b:
        w = torch.softmax((-beta * e).masked_fill(~allowed, -math.inf), dim=-1)
        m1 = (w * e).sum(-1)
        m2 = (w * e * e).sum(-1)
        out.append(beta * beta * (m2 - m1 * m1).clamp_min(0.0))
    return torch.stack(out, dim=-1)


def peak_beta(betas: np.ndarray, curves: np.ndarray) -> np.ndarray:
    """β* of each curve ``[..., K]`` (grid maximum refined by a parabola in
    log β); NaN where the maximum lies on the grid's edge or the curve is flat."""
    from isingformer.ensemble import parabolic_peak

    x = np.log(_grid(betas, curves))

    def locate(y: np.ndarray) -> float:
        xs, _, edge = parabolic_peak(x, y)
        return math.nan if edge else math.exp(xs)

    return _per_peak(curves, locate)


def _grid(betas, curves) -> np.ndarray:
    """The β grid ``[K]`` of ``curves [..., K]``: K >= 3 finite values > 0."""
    b = np.asarray(betas, dtype=np.float64)
    K = np.shape(curves)[-1] if np.ndim(curves) else -1
    if b.ndim != 1 or b.size < 3 or b.size != K or not np.all(np.isfinite(b) & (b > 0)):
        raise InputError(
            f"betas must be >= 3 finite values > 0, one per curve point (K = {K}), "
            f"got shape {b.shape}"
        )
    return b


def _per_peak(curves, fn) -> np.ndarray:
    """Apply ``fn`` to every finite curve with a positive maximum of
    ``curves [..., K]``; NaN for the others. Returns ``[...]``."""
    c = np.asarray(curves, dtype=np.float64)
    flat = c.reshape(-1, c.shape[-1])
    out = np.full(flat.shape[0], np.nan)
    for r, y in enumerate(flat):
        if np.all(np.isfinite(y)) and np.max(y) > 0:
            out[r] = fn(y)
    return out.reshape(c.shape[:-1])


def peak_fwhm(betas: np.ndarray, curves: np.ndarray) -> np.ndarray:
    """Full width at half maximum of each peak ``[..., K] -> [...]`` divided by
    the grid β of the maximum (linear interpolation of the half-maximum
    crossings); NaN if a crossing lies outside the grid."""
    b = _grid(betas, curves)

    def width(y: np.ndarray) -> float:
        i = int(np.argmax(y))
        half = y[i] / 2
        left = np.nonzero(y[:i] < half)[0]
        right = np.nonzero(y[i + 1 :] < half)[0]
        if left.size == 0 or right.size == 0:
            return math.nan
        a = left[-1]  # y[a] < half <= y[a+1]
        bl = b[a] + (half - y[a]) * (b[a + 1] - b[a]) / (y[a + 1] - y[a])
        z = i + 1 + right[0]  # y[z-1] >= half > y[z]
        br = b[z - 1] + (y[z - 1] - half) * (b[z] - b[z - 1]) / (y[z - 1] - y[z])
        return (br - bl) / b[i]

    return _per_peak(curves, width)


def tenths_spread(profile: np.ndarray) -> float:
    """Edge effect of a per-position profile ``[T]``: the largest minus the
    smallest of the means over the first, middle and last tenth of positions,
    relative to the middle tenth's mean (NaN entries ignored)."""
    v = np.asarray(profile, dtype=np.float64)
    n = v.size
    if n < 10:
        raise InputError(f"a profile needs >= 10 positions for tenths, got {n}")
    k = n // 10
    mid = n // 2 - k // 2
    parts = [float(nan_mean(v[:k])), float(nan_mean(v[mid : mid + k])), float(nan_mean(v[n - k :]))]
    return float((max(parts) - min(parts)) / abs(parts[1]))


def _distance(t: int, periodic: bool, period: int | None) -> torch.Tensor:
    from isingformer.attention.bias import circular_distance

    if periodic:
        return circular_distance(t, period).double()
    idx = torch.arange(t)
    return (idx[:, None] - idx[None, :]).abs().double()


def mean_distance(
    logits: torch.Tensor,
    allowed: torch.Tensor,
    *,
    periodic: bool = False,
    period: int | None = None,
    min_keys: int = 2,
) -> torch.Tensor:
    """Attention-weighted mean distance ``⟨d⟩`` per head: ``[..., H, T, T] ->
    [..., H]``, averaged over query rows with at least ``min_keys`` keys;
    ``periodic`` uses the circular distance of ``period`` (default T)."""
    t = logits.shape[-1]
    p = _probs(logits, allowed)
    d = _distance(t, periodic, period)
    rows = allowed.sum(-1) >= min_keys  # [..., T]
    md = (p * d).sum(-1)
    rows = rows.expand_as(md)
    return (md * rows).sum(-1) / rows.sum(-1).clamp_min(1)


def distance_profile(
    logits: torch.Tensor,
    allowed: torch.Tensor,
    *,
    periodic: bool = False,
    period: int | None = None,
) -> np.ndarray:
    """Mean attention weight at each distance: ``[..., H, T, T] -> [H, D]``
    (D = max distance + 1), averaged over all other leading dims and allowed
    pairs; NaN where no allowed pair has that distance."""
    t = logits.shape[-1]
    p = _probs(logits, allowed)
    h = p.shape[-3]
    p = p.reshape(-1, h, t, t)
    a = allowed.expand(p.shape[0], h, t, t) if allowed.dim() < 4 else allowed
    a = a.reshape(-1, h, t, t)
    d = _distance(t, periodic, period).long().reshape(-1)  # [T*T]
    n_d = int(d.max()) + 1
    af = a.to(p.dtype)
    mass = (p * af).sum(0).reshape(h, -1)  # [H, T*T]
    count = af.sum(0).reshape(h, -1)
    num = torch.zeros(h, n_d, dtype=p.dtype).index_add_(1, d, mass)
    den = torch.zeros(h, n_d, dtype=p.dtype).index_add_(1, d, count)
    out = torch.where(den > 0, num / den.clamp_min(1), torch.full_like(num, math.nan))
    return out.numpy()


def decay_length(profile: np.ndarray, d_min: int = 1, d_max: int | None = None) -> float:
    """ξ of ``w(d) ≈ A e^{−d/ξ}``: least squares of ``log w`` on ``d`` over
    ``d_min..d_max`` (positive entries only); ``inf`` if the weight does not
    decay (slope >= 0), NaN with fewer than 3 points."""
    w = np.asarray(profile, dtype=np.float64)
    check_int(d_min, "d_min", ge=0)
    hi = w.size - 1 if d_max is None else min(d_max, w.size - 1)
    d = np.arange(d_min, hi + 1)
    y = w[d_min : hi + 1]
    ok = np.isfinite(y) & (y > 0)
    if ok.sum() < 3:
        return math.nan
    slope = np.polyfit(d[ok], np.log(y[ok]), 1)[0]
    return math.inf if slope >= 0 else float(-1.0 / slope)


def rounding_exponent(sizes, widths) -> dict:
    """Fit ``width = a N^{−θ}`` by least squares of ``log width`` on ``log N``.
    Returns ``theta``, its 95 % Student-t interval from the slope's standard
    error (``n − 2`` degrees of freedom; the points are treated as
    independent) and ``n``; ``ci`` is None below 3 points."""
    from scipy import stats

    n_arr = np.asarray(sizes, dtype=np.float64)
    w = np.asarray(widths, dtype=np.float64)
    ok = np.isfinite(w) & (w > 0) & (n_arr > 0)
    x, y = np.log(n_arr[ok]), np.log(w[ok])
    n = int(x.size)
    if n < 2:
        return {"theta": math.nan, "ci": None, "n": n, "method": "OLS log-log"}
    fit = stats.linregress(x, y)
    theta = -float(fit.slope)
    ci = None
    if n >= 3:
        half = float(stats.t.ppf(0.975, n - 2)) * float(fit.stderr)
        ci = [theta - half, theta + half]
    method = "OLS log-log, 95 % Student t on the slope (sizes treated as independent)"
    return {"theta": theta, "ci": ci, "n": n, "method": method}


def wrap_fraction(logits: torch.Tensor, allowed: torch.Tensor, period: int | None = None) -> dict:
    """Share of the allowed pairs, and of the attention mass (mean over query
    rows), at ``|i − j| > N/2`` (``N = period``, default T): the only pairs
    whose circular distance differs from ``|i − j|`` (under a causal mask the
    lags ``i − j > N/2``)."""
    t = logits.shape[-1]
    n = t if period is None else int(period)
    idx = torch.arange(t)
    lag = (idx[:, None] - idx[None, :]).abs().double()
    far = lag > n / 2
    a = allowed.expand_as(logits)
    p = _probs(logits, allowed)
    pairs = float((a & far).sum()) / float(a.sum())
    mass = float((p * far).sum(-1).mean())
    return {"pair_fraction": pairs, "mass_fraction": mass}
