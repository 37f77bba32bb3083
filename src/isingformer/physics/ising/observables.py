"""Monte Carlo estimators with honest error bars.

- :func:`tau_int`: integrated autocorrelation time with Sokal's automatic window
  (smallest W with W >= c tau(W)), in units of measurements.
- :func:`binning_analysis`: error of the mean vs bin size (it plateaus at the
  true error once bins are much longer than tau).
- :func:`jackknife`: blocked jackknife for any function of means (specific heat,
  susceptibility, Binder cumulant, correlation length).
- :func:`equilibration_start`: the start t0 maximizing the number of effective
  samples (T - t0) / (2 tau(t0)) (Chodera 2016), i.e. the burn-in to drop.
- :func:`ising_estimates`: all the Ising observables of a replica at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from isingformer.errors import InputError
from isingformer.validate import check_float, check_int


@dataclass(frozen=True)
class Estimate:
    """A mean with its one-sigma error."""

    mean: float
    err: float


def autocorrelation(x: np.ndarray) -> np.ndarray:
    """Normalized autocorrelation rho(t) ``[T]`` of a series ``x [T]`` (FFT, O(T log T))."""
    x = np.asarray(x, dtype=np.float64)
    T = x.size
    if T < 1:
        raise InputError("x: the series is empty; give at least one measurement")
    d = x - x.mean()
    var = d @ d
    if T < 2 or var == 0:
        out = np.zeros(T)
        out[:1] = 1.0
        return out
    n = 1 << (2 * T - 1).bit_length()
    f = np.fft.rfft(d, n)
    acf = np.fft.irfft(f * np.conj(f), n)[:T]
    return acf / acf[0]


def tau_int(x: np.ndarray, c: float = 6.0) -> float:
    """Integrated autocorrelation time tau = 1/2 + sum_{t=1}^{W} rho(t) of ``x [T]``."""
    check_float(c, "c", gt=0)
    rho = autocorrelation(x)
    taus = 0.5 + np.cumsum(rho[1:])  # tau(W) for W = 1..T-1
    if taus.size == 0:
        return 0.5
    w = np.arange(1, taus.size + 1)
    ok = np.nonzero(w >= c * taus)[0]
    tau = taus[ok[0]] if ok.size else taus[-1]
    return float(max(tau, 0.5))


def binning_analysis(x: np.ndarray, min_bins: int = 16) -> np.ndarray:
    """Naive error of the mean at bin sizes 1, 2, 4, ... ``[n_levels]``."""
    x = np.asarray(x, dtype=np.float64)
    check_int(min_bins, "min_bins", ge=2)
    if x.size < min_bins:
        raise InputError(f"x: binning needs at least min_bins = {min_bins} values, got {x.size}")
    errs = []
    while x.size >= min_bins:
        errs.append(x.std(ddof=1) / math.sqrt(x.size))
        x = 0.5 * (x[: x.size // 2 * 2 : 2] + x[1 : x.size // 2 * 2 : 2])
    return np.asarray(errs)


def jackknife(fn: Callable[[np.ndarray], float], series: np.ndarray, n_bins: int = 64) -> Estimate:
    """Blocked jackknife of ``fn(means)`` for primary series ``[k, T]``.

    ``fn`` maps the ``[k]`` vector of means to a number; returns fn(full means)
    and the jackknife error from ``n_bins`` leave-one-block-out estimates.
    """
    s = np.atleast_2d(np.asarray(series, dtype=np.float64))  # [k, T]
    T = s.shape[1]
    B = int(min(n_bins, T))
    if B < 2:
        raise InputError("need at least 2 measurements for an error bar")
    L = T // B
    blocks = s[:, : B * L].reshape(s.shape[0], B, L).mean(axis=2)  # [k, B]
    total = blocks.sum(axis=1, keepdims=True)
    loo = (total - blocks) / (B - 1)  # [k, B]
    vals = np.array([fn(loo[:, i]) for i in range(B)])
    err = math.sqrt((B - 1) / B * np.sum((vals - vals.mean()) ** 2))
    return Estimate(float(fn(s[:, : B * L].mean(axis=1))), float(err))


def equilibration_start(x: np.ndarray, n_candidates: int = 26, max_fraction: float = 0.5) -> int:
    """Index t0 to drop as burn-in: argmax over t0 of (T - t0) / (2 tau_int(x[t0:]))."""
    x = np.asarray(x, dtype=np.float64)
    T = x.size
    if T < 20:
        return 0
    cands = np.unique(np.linspace(0, int(max_fraction * T), n_candidates).astype(int))
    neff = [(T - t0) / (2 * tau_int(x[t0:])) for t0 in cands]
    return int(cands[int(np.argmax(neff))])


def _n_bins(T: int, tau: float) -> int:
    # bins of >= ~10 tau when the run allows it; never fewer than 10 or more than 100
    return int(min(100, max(10, T // max(1, math.ceil(10 * tau)))))


OBSERVABLES = (
    "energy_per_spin",
    "abs_magnetization",
    "specific_heat",
    "susceptibility",
    "binder",
    "correlation_length",
)


def ising_estimates(
    energy: np.ndarray,
    magnetization: np.ndarray,
    beta: float,
    n_spins: int,
    structure_factor: np.ndarray | None = None,
    wavevector: float = 0.0,
    burn_in: int | str = "auto",
) -> dict:
    """Estimates with errors from one replica's series ``[T]`` (totals E, M).

    Returns {name: Estimate} for :data:`OBSERVABLES` (correlation length only
    with a structure factor), plus ``tau_int`` (of E and of |M|, in measurements),
    ``burn_in`` (dropped measurements), ``n_samples`` and ``n_bins``.
    specific_heat = beta^2 N Var(e), susceptibility = beta N (<m^2> - <|m|>^2).
    """
    E = np.asarray(energy, dtype=np.float64)
    M = np.asarray(magnetization, dtype=np.float64)
    if E.shape != M.shape or E.ndim != 1:
        raise InputError("energy and magnetization must be 1-D series of equal length")
    t0 = equilibration_start(E) if burn_in == "auto" else int(burn_in)
    e = E[t0:] / n_spins
    m = np.abs(M[t0:]) / n_spins
    if e.size < 4:
        raise InputError(f"too few measurements after burn-in ({e.size}); run more sweeps")
    tau_e, tau_m = tau_int(e), tau_int(m)
    nb = _n_bins(e.size, max(tau_e, tau_m))
    N = float(n_spins)
    prim = np.stack([e, e * e, m, m * m, m**4])
    out: dict = {
        "energy_per_spin": jackknife(lambda v: v[0], prim[:1], nb),
        "abs_magnetization": jackknife(lambda v: v[0], prim[2:3], nb),
        "specific_heat": jackknife(lambda v: beta**2 * N * (v[1] - v[0] ** 2), prim, nb),
        "susceptibility": jackknife(lambda v: beta * N * (v[3] - v[2] ** 2), prim, nb),
        "binder": jackknife(lambda v: 1.0 - v[4] / (3.0 * v[3] ** 2), prim, nb),
    }
    if structure_factor is not None and wavevector > 0:
        f = np.asarray(structure_factor, dtype=np.float64)[t0:]
        prim2 = np.stack([m * m * N, f])

        def xi(v: np.ndarray) -> float:
            ratio = v[0] / v[1] - 1.0 if v[1] > 0 else float("nan")
            return math.sqrt(max(ratio, 0.0)) / (2 * math.sin(wavevector / 2))

        out["correlation_length"] = jackknife(xi, prim2, nb)
    out["tau_int"] = {"energy": tau_e, "abs_magnetization": tau_m}
    out["burn_in"] = t0
    out["n_samples"] = int(e.size)
    out["n_bins"] = nb
    return out
