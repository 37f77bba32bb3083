"""Hopfield associative memory: Hebbian couplings, asynchronous dynamics,
retrieval overlaps and the storage-capacity transition.

N neurons s_i = ±1 store P random patterns ξ^μ ∈ {±1}^N with the Hebb rule
J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ (J_ii = 0); energy H = −½ Σ_{i≠j} J_ij s_i s_j.
The retrieval overlap with pattern μ is m_μ = ξ^μ·s / N. At zero temperature
and load α = P/N below α_c ≈ 0.138 (Amit–Gutfreund–Sompolinsky) a stored
pattern is a stable state with m ≈ 1 (0.967 at α_c); above α_c retrieval
fails. At finite N the crossover is rounded and sits above α_c, moving
toward it slowly as N grows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from isingformer.errors import InputError
from isingformer.physics.hopfield import _kernels as K
from isingformer.stats import MIN_N, wilson_interval
from isingformer.validate import check_seed
from isingformer.validate import seeded_rng as _rng

__all__ = [
    "ALPHA_C",
    "CapacityEstimate",
    "capacity_curves",
    "capacity_point",
    "capacity_study",
    "corrupt",
    "estimate_alpha_c",
    "hebbian_couplings",
    "hopfield_energy",
    "random_patterns",
    "retrieval_overlap",
    "run_dynamics",
]

ALPHA_C = 0.138


def random_patterns(n: int, p: int, seed=0) -> np.ndarray:
    """P unbiased random patterns, ``int8 [P, N]`` of ±1."""
    if n < 2 or p < 1:
        raise InputError(f"need n >= 2 neurons and p >= 1 patterns, got n={n}, p={p}")
    return _rng(seed).choice(np.array([-1, 1], dtype=np.int8), size=(p, n))


def _check_patterns(patterns) -> np.ndarray:
    xi = np.asarray(patterns)
    if xi.ndim != 2 or xi.shape[1] < 2:
        raise InputError(f"patterns must have shape [P, N] with N >= 2, got {xi.shape}")
    if not np.all(np.abs(xi) == 1):
        raise InputError("patterns must contain only +1 and -1")
    return xi.astype(np.int8)


def hebbian_couplings(patterns) -> np.ndarray:
    """Hebb rule ``J[N, N] = ξᵀξ / N`` with zero diagonal, for patterns [P, N]."""
    xi = _check_patterns(patterns).astype(np.float64)
    n = xi.shape[1]
    J = xi.T @ xi / n
    np.fill_diagonal(J, 0.0)
    return J


def hopfield_energy(patterns, s) -> float:
    """H = −½ Σ_{i≠j} J_ij s_i s_j = −(Σ_μ M_μ² − P·N) / (2N), M_μ = ξ^μ·s."""
    xi = _check_patterns(patterns).astype(np.int64)
    s = np.asarray(s, dtype=np.int64)
    p, n = xi.shape
    m = xi @ s
    return float(-(np.sum(m * m) - p * n) / (2 * n))


def retrieval_overlap(patterns, s) -> np.ndarray:
    """Overlaps ``m[P] = ξ^μ·s / N`` of a state with every stored pattern."""
    xi = np.asarray(patterns, dtype=np.float64)
    return xi @ np.asarray(s, dtype=np.float64) / xi.shape[1]


def corrupt(pattern, flip_fraction: float, seed=0) -> np.ndarray:
    """A cue: the pattern with ``round(flip_fraction·N)`` spins flipped at random."""
    if not 0.0 <= flip_fraction <= 1.0:
        raise InputError(f"flip fraction must be in [0, 1], got {flip_fraction}")
    s = np.array(pattern, dtype=np.int8)
    k = round(flip_fraction * s.size)
    idx = _rng(seed).choice(s.size, size=k, replace=False)
    s[idx] = -s[idx]
    return s


def run_dynamics(
    patterns, s0, *, temperature: float = 0.0, max_sweeps: int = 200, seed=0
) -> tuple[np.ndarray, int, bool]:
    """Asynchronous dynamics from state ``s0`` [N].

    ``temperature = 0``: s_i ← sign(h_i) in random order until a sweep makes
    no flip (a fixed point; ``converged``) or ``max_sweeps``. ``temperature >
    0``: heat-bath updates for exactly ``max_sweeps`` sweeps.
    Returns (final state [N] int8, sweeps, converged).
    """
    xi = np.ascontiguousarray(_check_patterns(patterns).T)  # [N, P]
    s = np.array(s0, dtype=np.int8)
    if s.shape != (xi.shape[0],) or not np.all(np.abs(s) == 1):
        raise InputError(f"the start state must be ±1 of shape ({xi.shape[0]},)")
    if temperature < 0 or not math.isfinite(temperature):
        raise InputError(f"temperature must be >= 0 and finite, got {temperature}")
    if max_sweeps < 1:
        raise InputError("max_sweeps must be >= 1")
    beta = math.inf if temperature == 0 else 1.0 / temperature
    kseed = int(_rng(seed).integers(0, 2**31 - 1))
    sweeps, conv = K.hopfield_async(xi, s, beta, max_sweeps, kseed)
    return s, int(sweeps), bool(conv)


def capacity_point(config: dict) -> dict:
    """One point of the capacity curve (top-level, JSON in / JSON out).

    config: ``n``, ``alpha``, ``trials``, ``seed``; optional ``noise`` (cue
    flip fraction, default 0: start at the stored pattern), ``temperature``
    (default 0), ``threshold`` (retrieval if m > threshold, default 0.9),
    ``max_sweeps`` (default 100). Each trial draws fresh patterns,
    P = round(α N), and starts from (a corrupted copy of) pattern 0.
    """
    n, alpha, trials = int(config["n"]), float(config["alpha"]), int(config["trials"])
    noise = float(config.get("noise", 0.0))
    temperature = float(config.get("temperature", 0.0))
    threshold = float(config.get("threshold", 0.9))
    max_sweeps = int(config.get("max_sweeps", 100))
    if not 0 < alpha <= 2 or trials < 1:
        raise InputError(f"need 0 < alpha <= 2 and trials >= 1, got alpha={alpha}, trials={trials}")
    p = max(1, round(alpha * n))
    rng = np.random.default_rng([int(config["seed"]), n, round(alpha * 1e6)])
    overlaps = []
    for _ in range(trials):
        xi = random_patterns(n, p, rng)
        cue = corrupt(xi[0], noise, rng) if noise > 0 else xi[0].copy()
        s, _, _ = run_dynamics(xi, cue, temperature=temperature, max_sweeps=max_sweeps, seed=rng)
        overlaps.append(float(xi[0].astype(np.float64) @ s / n))
    m = np.array(overlaps)
    ok = float(np.mean(m > threshold))
    return {
        "n": n,
        "alpha": alpha,
        "patterns": p,
        "overlap": float(m.mean()),
        "overlap_err": float(m.std(ddof=1) / math.sqrt(trials)) if trials > 1 else float("nan"),
        "p_retrieval": ok,
        "p_err": math.sqrt(max(ok * (1 - ok), 1.0 / trials) / trials),
        "trials": trials,
    }


def _p_ci(point: dict) -> list[float]:
    """Wilson 95 % interval of one point's P(retrieval) over its trials (the
    standard error ``p_err`` collapses to its floor at p = 0 or 1)."""
    t = int(point["trials"])
    return list(wilson_interval(round(point["p_retrieval"] * t), t))


def capacity_curves(points: list[dict]) -> list[dict]:
    """Group :func:`capacity_point` results into one curve per N (sorted by α)."""
    curves = []
    for n in sorted({p["n"] for p in points}):
        pts = sorted((p for p in points if p["n"] == n), key=lambda p: p["alpha"])
        curves.append(
            {
                "size": n,  # N; "n" is the number of values behind an estimate
                "alpha": [p["alpha"] for p in pts],
                "overlap": [p["overlap"] for p in pts],
                "p_retrieval": [p["p_retrieval"] for p in pts],
                "p_err": [p["p_err"] for p in pts],
                "p_ci": [_p_ci(p) for p in pts],
                "trials": [p["trials"] for p in pts],
            }
        )
    return curves


@dataclass(frozen=True)
class CapacityEstimate:
    """α_50(N) (where P(retrieval) = ½) per size and the extrapolated α_c.

    ``alpha_c_err`` combines the fit error with a systematic error: half the
    spread of the extrapolations with exponents 1/3 and 1 around the chosen
    one (the finite-size exponent is not known well).
    """

    sizes: list
    alpha_50: list
    alpha_50_err: list
    alpha_c: float
    alpha_c_err: float
    alpha_c_stat: float
    alpha_c_syst: float
    exponent: float
    amplitude: float
    # per size, how α_50 and its error were obtained (FIT_METHOD or GRID_METHOD)
    alpha_50_method: tuple = ()


FIT_METHOD = "logistic fit, binomial errors (error from the covariance, x sqrt(chi2/dof) if > 1)"
GRID_METHOD = "linear interpolation of the first crossing of 1/2; error = half the grid step"
P_ERR_METHOD = "binomial standard error sqrt(max(p(1 - p), 1/trials) / trials)"


def _alpha_50(curve: dict) -> tuple[float, float, str]:
    """Fit P(α) = 1/(1 + exp((α − α_50)/w)) with binomial errors: ``(α_50, err,
    method)``; too coarse a grid falls back to interpolation (the method says so)."""
    from scipy.optimize import curve_fit

    a = np.asarray(curve["alpha"], dtype=np.float64)
    y = np.asarray(curve["p_retrieval"], dtype=np.float64)
    t = np.asarray(curve["trials"], dtype=np.float64)
    if len(a) < 3:
        raise InputError("estimating α_c needs at least 3 α values per size")
    if not (y.max() >= 0.5 >= y.min()):
        raise InputError(
            f"N = {curve['size']}: P(retrieval) never crosses 1/2 on the α grid "
            f"({y.min():.2f}..{y.max():.2f}); widen the α range"
        )
    sigma = np.sqrt(np.maximum(y * (1 - y), 0.25 / t) / t)
    i = int(np.argmin(np.abs(y - 0.5)))

    def f(x, a50, w):
        return 0.5 * (1.0 - np.tanh((x - a50) / (2.0 * w)))  # = 1/(1 + e^((x−a50)/w))

    import warnings

    from scipy.optimize import OptimizeWarning

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", OptimizeWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            p, cov = curve_fit(
                f, a, y, p0=[a[i], 0.01], sigma=sigma, absolute_sigma=True, maxfev=20000
            )
        ok = np.all(np.isfinite(cov)) and a.min() <= p[0] <= a.max() and p[1] > 0
    except (RuntimeError, OptimizeWarning):
        ok = False
    if ok:
        chi2 = float(np.sum(((y - f(a, *p)) / sigma) ** 2)) / max(1, len(a) - 2)
        err = math.sqrt(cov[0, 0]) * (math.sqrt(chi2) if chi2 > 1 else 1.0)
        return float(p[0]), float(err), FIT_METHOD
    # too coarse a grid for a logistic: linear interpolation of the first
    # crossing of 1/2, error = half the grid step around it
    k = int(np.nonzero(y <= 0.5)[0][0])
    if k == 0:
        return float(a[0]), float(a[1] - a[0]), GRID_METHOD
    a0, a1, y0, y1 = a[k - 1], a[k], y[k - 1], y[k]
    cross = a0 + (y0 - 0.5) / (y0 - y1) * (a1 - a0) if y0 != y1 else 0.5 * (a0 + a1)
    return float(cross), float(0.5 * (a1 - a0)), GRID_METHOD


def estimate_alpha_c(curves: list[dict], exponent: float = 0.5) -> CapacityEstimate:
    """Extrapolate α_50(N) = α_c + A N^(−exponent) over the sizes of ``curves``."""
    from isingformer.ensemble import fit_finite_size

    if len(curves) < 2:
        raise InputError("estimating α_c needs at least 2 sizes")
    sizes = [c["size"] for c in curves]
    fits = [_alpha_50(c) for c in curves]
    a50 = [f[0] for f in fits]
    a50_err = [f[1] for f in fits]
    main = fit_finite_size(sizes, a50, a50_err, form="power", exponent=exponent)
    alts = [
        fit_finite_size(sizes, a50, a50_err, form="power", exponent=x).y_inf for x in (1 / 3, 1)
    ]
    syst = 0.5 * (max(alts) - min(alts))
    err = math.hypot(main.y_inf_err, syst)
    return CapacityEstimate(
        sizes,
        a50,
        a50_err,
        main.y_inf,
        err,
        main.y_inf_err,
        syst,
        exponent,
        main.amplitude,
        tuple(f[2] for f in fits),
    )


def capacity_study(
    sizes,
    alphas,
    trials: int = 40,
    seed: int = 0,
    *,
    noise: float = 0.0,
    temperature: float = 0.0,
    threshold: float = 0.9,
    exponent: float = 0.5,
    store=None,
    executor: str = "process",
    progress: bool = True,
    dask_address: str | None = None,
) -> dict:
    """Storage-capacity curves for several N through the runs store.

    Returns ``curves`` (each ``n`` with ``alpha``, ``overlap``,
    ``p_retrieval`` lists), ``alpha_50`` per size and ``alpha_c``,
    ``alpha_c_err`` (None when P(retrieval) does not cross ½ on the grid).
    """
    from isingformer.runs import run_sweep

    sizes = [int(n) for n in sizes]
    if not sizes:
        raise InputError("sizes: give at least one Hopfield size")
    check_seed(seed)
    alphas = [float(a) for a in alphas]
    if min(sizes) < 10:
        raise InputError(f"Hopfield sizes must be >= 10 neurons, got {min(sizes)}")
    if not alphas or min(alphas) <= 0 or max(alphas) > 2:
        raise InputError("every alpha must be in (0, 2]")
    if trials < MIN_N:  # no error bar over fewer values
        raise InputError(
            f"--trials: need >= {MIN_N} trials per point for an error bar, got {trials}"
        )
    if not 0 <= noise < 0.5:
        raise InputError(f"cue noise must be in [0, 0.5), got {noise}")
    if temperature < 0 or not 0 < threshold < 1:
        raise InputError("need temperature >= 0 and 0 < threshold < 1")
    configs = [
        {
            "n": n,
            "alpha": a,
            "trials": int(trials),
            "seed": int(seed),
            "noise": float(noise),
            "temperature": float(temperature),
            "threshold": float(threshold),
        }
        for n in sizes
        for a in alphas
    ]
    results = run_sweep(
        capacity_point,
        configs,
        sweep="hopfield.capacity",
        store=store,
        executor=executor,
        progress=progress,
        dask_address=dask_address,
    )
    curves = capacity_curves(results)
    out = {
        "trials": trials,
        "seed": seed,
        "noise": noise,
        "temperature": temperature,
        "threshold": threshold,
        "curves": curves,
        "p_err_method": P_ERR_METHOD,
        "p_ci_method": "Wilson score 95 % interval over the trials of each point",
        "alpha_c_theory": ALPHA_C,
    }
    try:
        est = estimate_alpha_c(curves, exponent)
    except InputError as exc:  # the same keys, null: no estimate on these sizes/grid
        keys = ("alpha_50", "alpha_c", "alpha_c_err", "alpha_c_stat", "alpha_c_syst")
        out.update(dict.fromkeys(keys), exponent=exponent, alpha_c_note=str(exc))
        return out
    out.update(
        {
            "alpha_50": [
                {"size": n, "alpha_50": a, "err": e, "method": m}
                for n, a, e, m in zip(
                    est.sizes, est.alpha_50, est.alpha_50_err, est.alpha_50_method, strict=True
                )
            ],
            "alpha_c": est.alpha_c,
            "alpha_c_err": est.alpha_c_err,
            "alpha_c_stat": est.alpha_c_stat,
            "alpha_c_syst": est.alpha_c_syst,
            "exponent": est.exponent,
            "alpha_c_note": f"alpha_50(N) = alpha_c + A N^-{est.exponent:g}; syst. error from "
            "exponents 1/3 and 1",
        }
    )
    return out
