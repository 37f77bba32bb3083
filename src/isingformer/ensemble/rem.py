"""Derrida's Random Energy Model as the reference for attention rows.

A softmax over ``N`` keys with i.i.d. Gaussian logits of standard deviation σ
is the REM with energies ``E_j = −σ z_j``. In the limit ``N → ∞`` it freezes
at ``β_c = sqrt(2 ln N)/σ``; below it the entropy per ``ln N`` is
``1 − (β/β_c)²`` and above it it is ``o(1)``. At finite ``N`` the peak of the
heat capacity lies below ``β_c(N)`` and approaches it slowly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from isingformer.ensemble.critical import entropy_slope_peak, heat_capacity_peak
from isingformer.ensemble.fss import FiniteSizeFit, fit_finite_size
from isingformer.ensemble.thermo import thermodynamics
from isingformer.errors import InputError
from isingformer.validate import check_int, check_seed

__all__ = [
    "REMPoint",
    "REMStudy",
    "rem_beta_c",
    "rem_energies",
    "rem_entropy_limit",
    "rem_point",
    "rem_study",
]


def rem_beta_c(n: int, sigma: float = 1.0) -> float:
    """Freezing inverse temperature ``sqrt(2 ln n)/σ`` of the REM with n states."""
    if n < 2:
        raise InputError(f"the REM needs N >= 2 states, got {n}")
    if not sigma > 0:
        raise InputError(f"σ must be > 0, got {sigma}")
    return math.sqrt(2.0 * math.log(n)) / sigma


def rem_entropy_limit(beta_ratio) -> np.ndarray:
    """Exact ``N → ∞`` entropy per ``ln N`` at ``β/β_c``: ``max(0, 1 − x²)``."""
    x = np.asarray(beta_ratio, dtype=np.float64)
    return np.where(x < 1.0, 1.0 - x * x, 0.0)


def rem_energies(n: int, samples: int, sigma: float = 1.0, seed: int = 0) -> torch.Tensor:
    """``[samples, n]`` REM energies ``−σ z`` (float64) from a seeded generator."""
    rem_beta_c(n, sigma)  # validates
    n = check_int(n, "n", ge=2)
    if samples < 1:
        raise InputError(f"samples must be >= 1, got {samples}")
    samples, seed = check_int(samples, "samples", ge=1), check_seed(seed)
    gen = torch.Generator().manual_seed(int(seed))
    return -sigma * torch.randn(samples, n, generator=gen, dtype=torch.float64)


def default_grid(n: int, sigma: float = 1.0, num: int = 160) -> np.ndarray:
    """β grid from 0.02 β_c to 1.6 β_c: brackets the finite-N peak."""
    bc = rem_beta_c(n, sigma)
    return np.linspace(0.02 * bc, 1.6 * bc, num)


@dataclass(frozen=True)
class REMPoint:
    """One system size of the REM study."""

    n: int
    samples: int
    sigma: float
    seed: int
    beta_c_theory: float
    beta_peak: float
    beta_peak_err: float
    c_max: float
    c_max_err: float
    beta_slope: float
    beta_slope_err: float
    peak_at_edge: bool
    betas: list[float]
    mean_heat_capacity: list[float]
    entropy_per_log_n: list[float]


def rem_point(config: dict) -> dict:
    """Sweep-point function: one N of the REM study (JSON in, JSON out).

    ``config`` keys: ``n``, ``samples``, ``sigma``, ``seed``, optional
    ``betas`` (explicit list), ``n_boot``.
    """
    n, samples = int(config["n"]), int(config["samples"])
    sigma, seed = float(config.get("sigma", 1.0)), int(config.get("seed", 0))
    betas = (
        np.asarray(config["betas"], dtype=np.float64)
        if config.get("betas")
        else default_grid(n, sigma)
    )
    n_boot = int(config.get("n_boot", 200))
    E = rem_energies(n, samples, sigma, seed)
    th = thermodynamics(E, betas)
    peak = heat_capacity_peak(E, betas, n_boot=n_boot, seed=seed, thermo=th)
    slope = (
        entropy_slope_peak(E, betas, n_boot=n_boot, seed=seed, thermo=th) if betas[0] > 0 else None
    )
    mean = th.mean()
    point = REMPoint(
        n=n,
        samples=samples,
        sigma=sigma,
        seed=seed,
        beta_c_theory=rem_beta_c(n, sigma),
        beta_peak=peak.beta,
        beta_peak_err=peak.beta_err,
        c_max=peak.value,
        c_max_err=peak.value_err,
        beta_slope=slope.beta if slope else float("nan"),
        beta_slope_err=slope.beta_err if slope else float("nan"),
        peak_at_edge=peak.at_edge,
        betas=betas.tolist(),
        mean_heat_capacity=mean.heat_capacity.tolist(),
        entropy_per_log_n=(mean.entropy / math.log(n)).tolist(),
    )
    return point.__dict__.copy()


@dataclass(frozen=True)
class REMStudy:
    """The REM sweep over N: per-size points and finite-size fits.

    ``ratio_fit`` extrapolates ``β*(N)/β_c(N)`` with the ``log`` form
    (``y_inf`` should approach 1); ``height_fit`` is the growth of ``C_max``
    as a power of N (``C_max ≈ a N^ω``; in the limit the jump is 2 ln N).
    """

    config: dict
    points: list[REMPoint]
    ratio_fit: FiniteSizeFit | None
    height_fit: FiniteSizeFit | None


def rem_study(
    ns: list[int],
    samples: int = 200,
    sigma: float = 1.0,
    seed: int = 0,
    betas: list[float] | None = None,
    *,
    store=None,
    executor: str = "process",
    max_workers: int | None = None,
    progress: bool = True,
    n_boot: int = 200,
    dask_address: str | None = None,
) -> REMStudy:
    """Run the REM study over sizes ``ns`` through the runs store."""
    from isingformer.runs import run_sweep

    if len(ns) == 0:
        raise InputError("ns: give at least one REM size")
    check_seed(seed)
    for n in ns:
        rem_beta_c(n, sigma)
    if samples < 2:
        raise InputError(f"--samples must be >= 2 for error bars, got {samples}")
    if betas is not None:
        b = np.asarray(betas, dtype=np.float64)
        if b.size < 3 or np.any(b <= 0) or np.any(np.diff(b) <= 0):
            raise InputError("the β grid must have >= 3 increasing positive values")
    configs = [
        {
            "n": int(n),
            "samples": int(samples),
            "sigma": float(sigma),
            # below 2^63 (torch's seed, the store's INTEGER); the identity for seeds < ~9e12
            "seed": (int(seed) * 1_000_003 + int(n)) % 2**63,
            "betas": list(map(float, betas)) if betas is not None else None,
            "n_boot": int(n_boot),
        }
        for n in ns
    ]
    results = run_sweep(
        rem_point,
        configs,
        sweep="ensemble.rem",
        store=store,
        executor=executor,
        max_workers=max_workers,
        progress=progress,
        dask_address=dask_address,
    )
    points = [REMPoint(**r) for r in results]
    # a peak on the grid's edge is only a bound on β* (and C_max): not fitted
    inside = [p for p in points if not p.peak_at_edge]
    sizes = [p.n for p in inside]
    ratio_fit = height_fit = None
    if len(inside) >= 3:
        ratio = [p.beta_peak / p.beta_c_theory for p in inside]
        ratio_err = [p.beta_peak_err / p.beta_c_theory for p in inside]
        try:
            ratio_fit = fit_finite_size(sizes, ratio, ratio_err, form="log", exponent=1.0)
            height_fit = fit_finite_size(
                sizes,
                [p.c_max for p in inside],
                [p.c_max_err for p in inside],
                form="powerlaw",
            )
        except (RuntimeError, ValueError, InputError):  # no fit: report no extrapolation
            ratio_fit = height_fit = None
    config = {"ns": list(ns), "samples": samples, "sigma": sigma, "seed": seed, "betas": betas}
    config["n_boot"] = n_boot  # the error bars: bootstrap over the `samples` rows
    return REMStudy(config, points, ratio_fit, height_fit)
