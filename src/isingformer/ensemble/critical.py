"""Critical points of a family of ensembles.

A *family* is a set of rows (samples, query rows, disorder realizations) of
energies ``E[R, n]`` that share one control parameter β. Its transition is
located three ways, each with a bootstrap error bar over rows:

- **heat-capacity peak**: the maximum of the row-averaged ``C(β)``, found on
  the grid and then refined by a bounded scalar maximization of the exact
  ``C(β)`` between the grid neighbours of the maximum;
- **entropy slope**: the steepest drop of the mean entropy,
  ``dS/dβ = −β Var(E) = −C/β``, i.e. the maximum of ``C/β``;
- **order-parameter onset**: the β at which the mean largest weight first
  crosses a threshold (default 1/2: one state takes most of the weight —
  the symmetry breaking of attention onto a single key).

The bootstrap resamples rows with replacement and re-locates the feature on
the grid with parabolic refinement; the error is the standard deviation of
the resampled positions. Rows that are not independent (the query rows of one
passage share its keys) are resampled as whole clusters (``groups`` of
:class:`PeakAccumulator`): a bootstrap over correlated rows understates the
error (``tests/stats/test_coverage_peak.py``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from scipy.optimize import minimize_scalar

from isingformer.ensemble.thermo import Thermodynamics, thermodynamics
from isingformer.errors import InputError
from isingformer.stats import MIN_N
from isingformer.validate import check_int, check_seed

__all__ = [
    "CriticalPoint",
    "PeakAccumulator",
    "entropy_slope_peak",
    "heat_capacity_peak",
    "order_parameter_onset",
    "parabolic_peak",
    "parabolic_peaks",
]


@dataclass(frozen=True)
class CriticalPoint:
    """Location of a transition feature with bootstrap errors.

    ``beta`` and ``beta_err`` locate the feature; ``value`` and ``value_err``
    give its height (e.g. the peak heat capacity); ``at_edge`` is True when
    the grid maximum sits on the first or last grid point (then ``beta`` is
    only a bound and the grid should be widened).
    """

    method: str
    beta: float
    beta_err: float
    value: float
    value_err: float
    at_edge: bool
    n_rows: int
    n_boot: int


def _rows(energies, mask) -> tuple[torch.Tensor, torch.Tensor | None]:
    E = torch.as_tensor(energies)
    if not E.is_floating_point():
        E = E.to(torch.float64)
    if E.ndim < 1:
        raise InputError("energies must have shape [..., n_states]")
    E = E.reshape(-1, E.shape[-1])
    m = None
    if mask is not None:
        m = torch.as_tensor(mask, device=E.device).to(torch.bool)
        m = m.expand(*torch.as_tensor(energies).shape).reshape(-1, E.shape[-1])
    return E, m


def _check_grid(betas) -> np.ndarray:
    b = np.asarray(betas, dtype=np.float64).reshape(-1)
    if b.size < 3:
        raise InputError("a critical-point search needs a β grid of at least 3 points")
    if not np.all(np.isfinite(b)) or np.any(b < 0):
        raise InputError("every β must be finite and >= 0")
    if np.any(np.diff(b) <= 0):
        raise InputError("the β grid must be strictly increasing")
    return b


def parabolic_peak(x: np.ndarray, y: np.ndarray) -> tuple[float, float, bool]:
    """Position and height of the maximum of ``y(x)``, refined by a parabola
    through the grid maximum and its neighbours. Returns ``(x*, y*, at_edge)``."""
    i = int(np.nanargmax(y))
    if i == 0 or i == len(x) - 1:
        return float(x[i]), float(y[i]), True
    x0, x1, x2 = x[i - 1], x[i], x[i + 1]
    y0, y1, y2 = y[i - 1], y[i], y[i + 1]
    denom = (x0 - x1) * (x0 - x2) * (x1 - x2)
    a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom
    bq = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom
    if a >= 0:
        return float(x1), float(y1), False
    xv = -bq / (2 * a)
    xv = float(np.clip(xv, x0, x2))
    cq = y1 - a * x1 * x1 - bq * x1
    return xv, float(a * xv * xv + bq * xv + cq), False


@functools.lru_cache(maxsize=8)
def _boot_counts(
    R: int, n_boot: int, seed: int, groups: tuple[int, ...] | None = None
) -> np.ndarray | None:
    """Counts ``[n_boot, R]`` of each row in each resample (None: no bootstrap,
    also below ``MIN_N`` = 3 rows, where no error bar is given: report values).
    With ``groups`` (the cluster of each of the ``R`` rows) whole clusters are
    drawn and a row counts as often as its cluster (None below 3 clusters).
    Cached (read-only): every head of a calibration asks for the same counts."""
    check_int(n_boot, "n_boot", ge=0)
    check_seed(seed)
    if n_boot <= 0 or R < MIN_N:
        return None
    rng = np.random.default_rng(seed)
    if groups is None:
        counts = np.stack([np.bincount(rng.integers(0, R, R), minlength=R) for _ in range(n_boot)])
    else:
        if len(groups) != R:
            raise InputError(f"groups must give one cluster per row ({R}), got {len(groups)}")
        inverse = np.unique(np.asarray(groups), return_inverse=True)[1].reshape(-1)
        g = int(inverse.max()) + 1
        if g < MIN_N:
            return None
        drawn = np.stack([np.bincount(rng.integers(0, g, g), minlength=g) for _ in range(n_boot)])
        counts = drawn[:, inverse]
    counts.setflags(write=False)
    return counts


def parabolic_peaks(x: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parabolic_peak` of every row of ``Y[n, k]`` at once (the same
    arithmetic, so the same numbers): positions ``[n]`` and heights ``[n]``."""
    k = len(x)
    rows = np.arange(Y.shape[0])
    i = np.nanargmax(Y, axis=1)
    j = np.clip(i, 1, k - 2)
    x0, x1, x2 = x[j - 1], x[j], x[j + 1]
    y0, y1, y2 = Y[rows, j - 1], Y[rows, j], Y[rows, j + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = (x0 - x1) * (x0 - x2) * (x1 - x2)
        a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom
        bq = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom
        xv = np.clip(-bq / (2 * a), x0, x2)
        cq = y1 - a * x1 * x1 - bq * x1
        yv = a * xv * xv + bq * xv + cq
    edge = (i == 0) | (i == k - 1)
    flat = a >= 0
    bx = np.where(edge, x[i], np.where(flat, x1, xv))
    by = np.where(edge, Y[rows, i], np.where(flat, y1, yv))
    return bx, by


def _bootstrap(curves: np.ndarray, x: np.ndarray, locate, n_boot: int, seed: int) -> np.ndarray:
    """Locate the feature on row-resampled mean curves. curves: [R, k]."""
    counts = _boot_counts(curves.shape[0], n_boot, seed)
    if counts is None:
        return np.empty((0, 2))
    # mean curve of a resample = counts @ curves / R
    means = counts @ np.nan_to_num(curves) / curves.shape[0]  # [n_boot, k]
    return np.array([locate(x, mc) for mc in means])


class PeakAccumulator:
    """:func:`heat_capacity_peak` of ``F`` families of ``R`` rows each, fed
    ``C(β)`` curves a block of rows at a time (the rows never need to be in
    memory together).

    Keeps the sum of the curves and, per bootstrap resample, the sum of the
    curves weighted by each row's count in that resample (the same seeded
    counts as :func:`heat_capacity_peak`): memory ``F·(n_boot + 2)·k``
    numbers whatever ``R``. The result equals :func:`heat_capacity_peak` with
    ``refine=False`` on all rows at once, to rounding. ``groups`` (``[R]``,
    the cluster of each row, e.g. its passage): resample whole clusters
    (no error bar below 3 clusters), as correlated rows need.
    """

    def __init__(
        self,
        betas,
        n_rows: int,
        n_families: int = 1,
        *,
        n_boot: int = 200,
        seed: int = 0,
        groups=None,
    ):
        self.betas = _check_grid(betas)
        self.n_rows, self.n_boot = int(n_rows), int(n_boot)
        k = len(self.betas)
        key = None if groups is None else tuple(int(v) for v in np.asarray(groups).reshape(-1))
        self._counts = _boot_counts(self.n_rows, self.n_boot, seed, key)
        # rows in each resample (R for a bootstrap of rows; varies with clusters)
        self._drawn = None if self._counts is None else self._counts.sum(axis=1).astype(float)
        self._sum = np.zeros((n_families, k))
        self._n = np.zeros((n_families, k))
        nb = 0 if self._counts is None else self.n_boot
        self._boot = np.zeros((n_families, nb, k))

    def add(self, curves, start: int) -> None:
        """Add ``curves[F, r, k]`` of rows ``start … start + r − 1`` (NaN rows ignored)."""
        c = torch.as_tensor(curves).detach().cpu().double().numpy()
        if c.ndim != 3 or c.shape[0] != self._sum.shape[0] or c.shape[2] != len(self.betas):
            raise InputError(f"curves must be [{self._sum.shape[0]}, r, {len(self.betas)}]")
        r = c.shape[1]
        if start < 0 or start + r > self.n_rows:
            raise InputError(f"rows {start}..{start + r} outside 0..{self.n_rows}")
        self._sum += np.nansum(c, axis=1)
        self._n += np.sum(~np.isnan(c), axis=1)
        if self._counts is not None:
            self._boot += np.matmul(self._counts[None, :, start : start + r], np.nan_to_num(c))

    def mean_curve(self, family: int = 0) -> np.ndarray:
        """Row-averaged curve ``[k]`` of one family (NaN where no row was finite)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self._sum[family] / self._n[family]

    def result(self, family: int = 0) -> CriticalPoint:
        """The peak of one family's mean curve, with bootstrap errors over rows."""
        b = self.betas
        beta, cmax, edge = parabolic_peak(b, self.mean_curve(family))
        if self._counts is None:
            err_b = err_c = float("nan")
        else:
            bx, by = parabolic_peaks(b, self._boot[family] / self._drawn[:, None])
            err_b, err_c = _std(bx), _std(by)
        return CriticalPoint(
            "heat_capacity_peak", beta, err_b, cmax, err_c, edge, self.n_rows, self.n_boot
        )


def _std(v: np.ndarray) -> float:
    return float(np.std(v, ddof=1)) if len(v) > 1 else float("nan")


def heat_capacity_peak(
    energies,
    betas,
    mask=None,
    *,
    n_boot: int = 200,
    seed: int = 0,
    refine: bool = True,
    thermo: Thermodynamics | None = None,
    groups=None,
) -> CriticalPoint:
    """Peak of the row-averaged heat capacity ``C(β) = β² Var(E)``.

    Args:
        energies: ``[..., n]``; all leading dims are rows of one family.
        betas: increasing grid ``[k]`` (k >= 3) bracketing the peak.
        mask: optional allowed-state mask broadcastable to ``energies``.
        n_boot: bootstrap resamples over rows for the error bars.
        seed: seed of the bootstrap.
        refine: maximize the exact mean ``C(β)`` between grid neighbours.
        thermo: curves already computed for these energies and betas (reused).
        groups: optional cluster of each row (``[R]``): the bootstrap resamples
            whole clusters (rows that share a passage are not independent).
    """
    b = _check_grid(betas)
    E, m = _rows(energies, mask)
    th = thermo if thermo is not None else thermodynamics(E, b, m)
    C = th.heat_capacity.reshape(1, -1, len(b))  # [1, R, k]
    acc = PeakAccumulator(b, C.shape[1], n_boot=n_boot, seed=seed, groups=groups)
    acc.add(C, 0)
    cp = acc.result()
    beta, cmax, edge = cp.beta, cp.value, cp.at_edge
    if refine and not edge:
        i = int(np.nanargmax(acc.mean_curve()))

        def neg_c(beta_value: float) -> float:
            t = thermodynamics(E, [beta_value], m)
            return -float(torch.nanmean(t.heat_capacity))

        res = minimize_scalar(
            neg_c,
            bounds=(b[i - 1], b[i + 1]),
            method="bounded",
            options={"xatol": 1e-6 * max(1.0, b[i])},
        )
        beta, cmax = float(res.x), float(-res.fun)
    return CriticalPoint(
        "heat_capacity_peak", beta, cp.beta_err, cmax, cp.value_err, edge, cp.n_rows, n_boot
    )


def entropy_slope_peak(
    energies,
    betas,
    mask=None,
    *,
    n_boot: int = 200,
    seed: int = 0,
    thermo: Thermodynamics | None = None,
) -> CriticalPoint:
    """Steepest decrease of the mean entropy: maximum of ``−dS/dβ = C/β``.
    ``value`` is the slope magnitude there."""
    b = _check_grid(betas)
    if b[0] <= 0:
        raise InputError("the entropy-slope finder needs β > 0 on the whole grid")
    E, m = _rows(energies, mask)
    th = thermo if thermo is not None else thermodynamics(E, b, m)
    slope = (th.heat_capacity.reshape(-1, len(b)).detach().cpu().double().numpy()) / b
    beta, value, edge = parabolic_peak(b, np.nanmean(slope, axis=0))
    boot = _bootstrap(slope, b, lambda x, y: parabolic_peak(x, y)[:2], n_boot, seed)
    return CriticalPoint(
        "entropy_slope",
        beta,
        _std(boot[:, 0]) if len(boot) else float("nan"),
        value,
        _std(boot[:, 1]) if len(boot) else float("nan"),
        edge,
        slope.shape[0],
        n_boot,
    )


def _crossing(x: np.ndarray, y: np.ndarray, level: float) -> float:
    above = np.nonzero(y >= level)[0]
    if len(above) == 0:
        return float("nan")
    j = int(above[0])
    if j == 0:
        return float(x[0])
    x0, x1, y0, y1 = x[j - 1], x[j], y[j - 1], y[j]
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0)) if y1 != y0 else float(x1)


def order_parameter_onset(
    energies,
    betas,
    mask=None,
    *,
    threshold: float = 0.5,
    n_boot: int = 200,
    seed: int = 0,
    thermo: Thermodynamics | None = None,
) -> CriticalPoint:
    """First β where the mean largest Gibbs weight reaches ``threshold``
    (linear interpolation on the grid; NaN if never reached, edge if at once)."""
    if not 0 < threshold < 1:
        raise InputError("threshold must lie strictly between 0 and 1")
    b = _check_grid(betas)
    E, m = _rows(energies, mask)
    th = thermo if thermo is not None else thermodynamics(E, b, m)
    mw = th.max_weight.reshape(-1, len(b)).detach().cpu().double().numpy()
    mean_mw = np.nanmean(mw, axis=0)
    beta = _crossing(b, mean_mw, threshold)
    edge = bool(mean_mw[0] >= threshold or not np.isfinite(beta))
    boot = _bootstrap(mw, b, lambda x, y: (_crossing(x, y, threshold), threshold), n_boot, seed)
    err = float(np.nanstd(boot[:, 0], ddof=1)) if len(boot) > 1 else float("nan")
    return CriticalPoint(
        "order_parameter_onset", beta, err, threshold, 0.0, edge, mw.shape[0], n_boot
    )
