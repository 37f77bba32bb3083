"""The output-distribution transition detector (Arnold, Holtorf, Schäfer,
Lörch 2024): dissimilarity of the distributions left and right of each grid
point, with skewness-corrected Student-t bands over prompts.

    terms = window_terms(dist, n_grid=len(grid), window=1)   # dist(j) -> [P, ..., K]
    res = detect_from_terms(grid, terms, n_boot=200, seed=0)
    res.indicators["linear"], res.bands["linear"], res.peaks

``dist(j)`` gives the exact outcome distributions at grid point ``j`` for
each of ``P`` prompts (and optional extra axes, e.g. positions, averaged per
prompt). At interior point ``i`` the left distribution is the mean over grid
points ``i−w … i−1``, the right one over ``i+1 … i+w``; every indicator is the
mean over prompts of the per-prompt divergence (an f-divergence of the joint
distribution of prompt and outcome, prompts uniform). The bands are
conservative 95 % bands of that mean over the P prompts: Hall's
skewness-corrected Student-t interval computed at level :func:`band_level`
(99.5 % or 99 %), from 16 prompts (:data:`BAND_METHOD`); the peak's interval uses a
bootstrap over prompts for its standard error (see :func:`detect_from_terms`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from isingformer.errors import InputError
from isingformer.phases.divergence import (
    fisher_from_linear,
    jensen_shannon,
    linear_divergence,
    total_variation,
)
from isingformer.stats import skew_t_bounds
from isingformer.validate import check_int, check_seed

__all__ = ["INDICATORS", "Detection", "band_level", "detect_from_terms", "window_terms"]

INDICATORS = ("tv", "js", "linear")
_FUNCS = {"tv": total_variation, "js": jensen_shannon, "linear": linear_divergence}
MIN_GRID = 5
BAND_METHOD = (
    "conservative 95 % band: Hall's skewness-corrected Student-t interval of the mean over "
    "the prompts (n - 1 dof) computed at level 99.5 % for 16-31 prompts and 99 % from 32, "
    "no band below 16; measured coverage at n = 16-256 (4000 replications per n, 5 "
    "generators of synthetic and GPT prompts): at least 94.3 % at every grid point, "
    "98.6-100 % at the top of the curve (Hall's at 95 %: down to 86.9 % off the peak); "
    "docs/phases.md"
)
MIN_PROMPTS_CI = 3  # below, no peak interval over prompts (ci None)
MIN_PROMPTS_BAND = 16  # below, no band (NaN): no tested band covered 95 % off the peak


def band_level(n: int) -> float:
    """The level at which Hall's interval over ``n`` prompts is computed so that
    the band covers at least 95 % at every grid point: 0.995 below 32 prompts,
    0.99 from 32. Hall's interval at 95 % covered the top of the curve at
    94-98 % but fell to 83-90 % at some point off the peak at every n from 8
    to 256, where a few prompts carry the mean and a sample of n often misses
    them; no 95 % method tried did better (docs/phases.md)."""
    return 0.99 if n >= 32 else 0.995


@dataclass
class Detection:
    """Indicators at the interior grid points ``points [n]``: ``indicators``,
    ``bands`` (``[2, n]``: the conservative 95 % band of the mean over
    prompts, Hall's interval at :func:`band_level`; NaN below
    ``MIN_PROMPTS_BAND`` = 16 prompts),
    ``fisher`` (``F(λ)`` from the linear indicator), ``peaks`` (one dict per
    candidate transition: ``value``, ``ci``, ``height``, ``at_edge``)."""

    grid: np.ndarray
    points: np.ndarray
    indicators: dict[str, np.ndarray]
    bands: dict[str, np.ndarray]
    fisher: np.ndarray
    peaks: list[dict] = field(default_factory=list)
    n_prompts: int = 0
    n_boot: int = 0
    window: int = 1

    def to_dict(self) -> dict:
        """JSON-able summary (lists)."""
        return {
            "grid": self.grid.tolist(),
            "points": self.points.tolist(),
            "indicators": {k: v.tolist() for k, v in self.indicators.items()},
            "bands": {k: v.tolist() for k, v in self.bands.items()},
            "fisher": self.fisher.tolist(),
            "peaks": self.peaks,
            "n_prompts": self.n_prompts,
            "n_boot": self.n_boot,
            "window": self.window,
            "band_method": BAND_METHOD
            if self.n_prompts >= MIN_PROMPTS_BAND
            else (
                f"no band: {self.n_prompts} prompt(s), fewer than {MIN_PROMPTS_BAND} (below, "
                "no tested band covered 95 % off the peak; docs/phases.md)"
            ),
        }


def check_grid(grid, name: str = "grid") -> np.ndarray:
    """A strictly increasing finite grid of at least 5 points, else InputError."""
    g = np.asarray(grid, dtype=np.float64)
    if g.ndim != 1 or g.size < MIN_GRID:
        raise InputError(f"--{name} needs at least {MIN_GRID} points (START:STOP:NUM, NUM >= 5)")
    if not np.all(np.isfinite(g)) or np.any(np.diff(g) <= 0):
        raise InputError(f"--{name} must be finite and strictly increasing")
    return g


def window_terms(
    dist: Callable[[int], np.ndarray], n_grid: int, window: int = 1
) -> dict[str, np.ndarray]:
    """Per-prompt divergences between the left and right windows of every interior point.

    ``dist(j)`` returns ``[P, ..., K]`` probabilities at grid point ``j`` (each
    is computed once and kept only while a window needs it). Returns ``{name:
    [n_grid − 2·window, P]}`` for ``tv``, ``js``, ``linear``.
    """
    if window < 1 or n_grid < 2 * window + 1:
        raise InputError(f"window {window} needs at least {2 * window + 1} grid points")
    cache: dict[int, np.ndarray] = {}

    def get(j: int) -> np.ndarray:
        if j not in cache:
            cache[j] = np.asarray(dist(j), dtype=np.float64)
        return cache[j]

    out: dict[str, list[np.ndarray]] = {k: [] for k in INDICATORS}
    for i in range(window, n_grid - window):
        left = sum(get(j) for j in range(i - window, i)) / window
        right = sum(get(j) for j in range(i + 1, i + window + 1)) / window
        for name, f in _FUNCS.items():
            d = f(left, right)  # [P, ...]
            out[name].append(d.reshape(d.shape[0], -1).mean(axis=1))
        for j in [j for j in cache if j <= i - window]:
            del cache[j]
    return {k: np.stack(v) for k, v in out.items()}


def _peak(x: np.ndarray, y: np.ndarray) -> tuple[float, float, bool]:
    from isingformer.ensemble import parabolic_peak

    return parabolic_peak(x, y)


def _local_step(g: np.ndarray, v: float) -> float:
    """The spacing of the grid ``g`` at ``v``."""
    step = np.diff(g)
    return float(step[int(np.clip(np.searchsorted(g, v) - 1, 0, step.size - 1))])


def _widened(g: np.ndarray, lo: float, hi: float) -> list[float]:
    """``[lo, hi]`` widened by the grid step at each end (the local spacing of the
    grid ``g`` around ``lo`` and ``hi``), clipped to the grid's range."""
    return [max(float(g[0]), lo - _local_step(g, lo)), min(float(g[-1]), hi + _local_step(g, hi))]


def _peak_interval(g: np.ndarray, x: float, locs: np.ndarray, n: int) -> list[float]:
    """``x ± (t_{n−1} · se + step/4)``, clipped to the grid: ``se`` the bootstrap
    standard deviation of the resampled peak positions ``locs`` times
    ``sqrt(n/(n−1))``, ``step`` the grid's local spacing at ``x`` (the parabolic
    refinement's resolution)."""
    from scipy import stats

    se = float(np.std(locs, ddof=1)) * np.sqrt(n / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * se + 0.25 * _local_step(g, x)
    return [max(float(g[0]), x - half), min(float(g[-1]), x + half)]


def _check_terms(terms: dict[str, np.ndarray], n_points: int) -> None:
    """Every indicator's terms ``[n_points, P]`` with one common ``P >= 1``."""
    missing = [name for name in INDICATORS if name not in terms]
    if missing:
        raise InputError(f"terms: missing indicator(s) {missing}; expected {list(INDICATORS)}")
    shapes = {name: np.shape(terms[name]) for name in INDICATORS}
    P = shapes[INDICATORS[0]][1:2]
    for name, shape in shapes.items():
        if len(shape) != 2 or shape[0] != n_points or shape[1:] != P or shape[1] < 1:
            raise InputError(
                f"terms: {name} must be [n_grid - 2*window = {n_points}, P] with the same P "
                f"for every indicator, got {shape}"
            )


def detect_from_terms(
    grid,
    terms: dict[str, np.ndarray],
    *,
    window: int = 1,
    n_boot: int = 200,
    seed: int = 0,
) -> Detection:
    """Indicators, bands over prompts and the peak of the linear indicator.

    The bands (``[2, n_points]`` per indicator) are conservative 95 % bands
    of the mean over the prompts: Hall's skewness-corrected Student-t interval
    (:func:`isingformer.stats.skew_t_bounds`) at level :func:`band_level`, NaN
    below ``MIN_PROMPTS_BAND`` prompts (:data:`BAND_METHOD` states their
    measured coverage).

    Args:
        grid: the control parameter ``[n_grid]`` (strictly increasing).
        terms: ``{name: [n_grid − 2·window, P]}`` from :func:`window_terms`.
        n_boot: bootstrap resamples of the prompts, for the standard error of
            the peak position. The peak's ``ci`` is ``x̂ ± (t_{n−1} · se + step/4)``
            (n prompts, se the resampled positions' sd times sqrt(n/(n−1)), step the
            local grid spacing), clipped to the grid; None with fewer than
            ``MIN_PROMPTS_CI`` prompts. On exact heterogeneous Bernoulli prompts with
            a known peak it covered 96–100 % at n = 3–64 where the plain percentile
            range of the resampled positions covered 43–94 % (docs/phases.md,
            ``tests/phases/test_peak_coverage.py``). ``ci_widened``: ``ci`` plus one
            grid step on each side.
    """
    g = check_grid(grid)
    pts = g[window : g.size - window]
    _check_terms(terms, pts.size)
    n_prompts = next(iter(terms.values())).shape[1]
    check_int(n_boot, "n_boot", ge=1)
    rng = np.random.default_rng(check_seed(seed))
    weights = rng.multinomial(n_prompts, np.full(n_prompts, 1.0 / n_prompts), size=n_boot)
    weights = weights / n_prompts  # [B, P]
    enough = n_prompts >= MIN_PROMPTS_CI
    indicators, bands = {}, {}
    for name in INDICATORS:
        t = np.asarray(terms[name], dtype=np.float64)  # [n, P]
        indicators[name] = t.mean(axis=1)
        bands[name] = np.full((2, pts.size), np.nan)
        if n_prompts >= MIN_PROMPTS_BAND:  # per grid point, over the prompts
            bands[name] = skew_t_bounds(t, axis=1, level=band_level(n_prompts))
    if window == 1:  # F(λ_i) ≈ D_lin(P(λ_i−1), P(λ_i+1)) / h², h = half the span
        fisher = fisher_from_linear(indicators["linear"], (g[2:] - g[:-2]) / 2)
    else:
        fisher = np.full(pts.size, np.nan)
    from isingformer.ensemble.critical import parabolic_peaks  # every resample at once

    x, h, edge = _peak(pts, indicators["linear"])
    locs = parabolic_peaks(pts, weights @ terms["linear"].T)[0]  # as _peak, [B]
    ci = _peak_interval(g, x, locs, n_prompts) if enough else None
    peaks = [
        {
            "indicator": "linear",
            "value": x,
            "ci": ci,
            "ci_widened": _widened(g, *ci) if enough else None,
            "n": int(n_prompts),
            "method": (
                f"x ± (t_{n_prompts - 1} · se + step/4): se the bootstrap sd of the peak "
                f"position over the {n_prompts} prompts ({n_boot} resamples) times "
                f"sqrt({n_prompts}/{n_prompts - 1}), step the local grid spacing (the "
                "peak's resolution); covered 96-100 % at n = 3-64 in tests "
                "(docs/phases.md); ci_widened adds one grid step on each side"
            )
            if enough
            else f"no interval: {n_prompts} prompt(s), fewer than {MIN_PROMPTS_CI}",
            "height": h,
            "at_edge": bool(edge),
        }
    ]
    return Detection(g, pts, indicators, bands, fisher, peaks, n_prompts, n_boot, window)
