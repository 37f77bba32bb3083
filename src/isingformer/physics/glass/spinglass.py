"""Sherrington–Kirkpatrick spin glass: couplings, exact enumeration, parallel
tempering, ground-state energies with finite-size extrapolation, and the
overlap distribution P(q) of two real replicas.

Model (h = 0 unless given)::

    H(s) = −Σ_{i<j} J_ij s_i s_j,   J_ij = J_ji ~ N(0, 1/N),   J_ii = 0

so T_c = 1 and the ground-state energy per spin tends to Parisi's
e_∞ = −0.7632 (replica-symmetric value −√(2/π) = −0.798; always e ≥ −1
in the limit). Finite N: e_N ≈ e_∞ + A N^(−2/3) (Boettcher 2005).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from isingformer.errors import InputError
from isingformer.physics.glass import _kernels as K
from isingformer.stats import MIN_N
from isingformer.validate import check_seed
from isingformer.validate import seeded_rng as _rng

__all__ = [
    "PARISI_E_INF",
    "RS_E_INF",
    "LadderResult",
    "OverlapResult",
    "PTResult",
    "adaptive_ladder",
    "brute_force_ground_state",
    "exact_spectrum",
    "exact_thermodynamics",
    "extrapolate_ground_state",
    "geometric_ladder",
    "ising_energy",
    "overlap_bins",
    "overlap_distribution",
    "overlap_point",
    "overlap_study",
    "parallel_tempering",
    "rs_overlap",
    "sk_couplings",
    "sk_ground_state",
    "sk_point",
    "sk_study",
]

PARISI_E_INF = -0.7632
# what the error bars of the JSON are (every error bar states its n and method)
E0_ERR_METHOD = (
    "one-sigma standard error over the disorder samples of each size "
    "(sample std / sqrt(samples), n = the point's samples)"
)
E_INF_ERR_METHOD = (
    "weighted least squares of e_N = e_inf + A N^(-exponent) over the sizes (weights 1/e0_err^2; "
    "error from the fit covariance, scaled by sqrt(chi2/dof) when > 1), combined in quadrature "
    "with the systematic e_inf_syst_err (the largest shift among e_inf_variants)"
)
WEIGHT_SMALL_ERR_METHOD = (
    "one-sigma standard error over the disorder samples (std of the per-sample weight / "
    "sqrt(samples))"
)
RS_E_INF = -math.sqrt(2.0 / math.pi)
_MAX_ENUM = 24


def _kernel_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def sk_couplings(n: int, seed=0) -> np.ndarray:
    """SK couplings ``J[n, n]``: symmetric, zero diagonal, J_ij ~ N(0, 1/n)."""
    if n < 2:
        raise InputError(f"the SK model needs n >= 2 spins, got {n}")
    rng = _rng(seed)
    upper = np.triu(rng.normal(0.0, 1.0 / math.sqrt(n), size=(n, n)), k=1)
    return upper + upper.T


def _check_couplings(J: np.ndarray, h=None) -> tuple[np.ndarray, np.ndarray]:
    J = np.ascontiguousarray(J, dtype=np.float64)
    if J.ndim != 2 or J.shape[0] != J.shape[1]:
        raise InputError(f"couplings must be a square matrix, got shape {J.shape}")
    if not np.allclose(J, J.T):
        raise InputError("couplings must be symmetric (J_ij = J_ji)")
    if np.any(np.diag(J) != 0):
        raise InputError("couplings must have a zero diagonal (no self-interaction)")
    n = J.shape[0]
    h = np.zeros(n) if h is None else np.ascontiguousarray(h, dtype=np.float64)
    if h.shape != (n,):
        raise InputError(f"field must have shape ({n},), got {h.shape}")
    return J, h


def ising_energy(J: np.ndarray, s: np.ndarray, h: np.ndarray | None = None) -> np.ndarray:
    """H(s) = −½ sᵀJs − hᵀs for s [..., N] (±1); returns shape [...]."""
    s = np.asarray(s, dtype=np.float64)
    e = -0.5 * np.einsum("...i,ij,...j->...", s, np.asarray(J, dtype=np.float64), s)
    if h is not None:
        e = e - s @ np.asarray(h, dtype=np.float64)
    return e


def exact_spectrum(J: np.ndarray, h: np.ndarray | None = None) -> np.ndarray:
    """Energies of all 2^N states, ``E[2^N]``; state k has s_i = 1 − 2·bit_i(k).

    Exact enumeration (the compiled Gray-code walk of
    :mod:`isingformer.physics.ising.enumeration`), N ≤ 24.
    """
    from isingformer.physics.ising.enumeration import state_energies
    from isingformer.physics.ising.hamiltonian import IsingHamiltonian

    J, h = _check_couplings(J, h)
    n = J.shape[0]
    if n > _MAX_ENUM:
        raise InputError(f"exact enumeration is limited to N <= {_MAX_ENUM}, got N = {n}")
    return state_energies(IsingHamiltonian.from_couplings(J, h))


def brute_force_ground_state(J: np.ndarray, h: np.ndarray | None = None):
    """Exact ground state by enumeration: ``(E_0, s[N] int8)``."""
    e = exact_spectrum(J, h)
    k = int(np.argmin(e))
    n = np.asarray(J).shape[0]
    s = (1 - 2 * ((k >> np.arange(n)) & 1)).astype(np.int8)
    return float(e[k]), s


def exact_thermodynamics(J: np.ndarray, betas, h: np.ndarray | None = None):
    """Exact Gibbs thermodynamics of a small instance via the ensemble core.

    Returns :class:`isingformer.ensemble.Thermodynamics` with curves [n_beta].
    """
    from isingformer.ensemble import thermodynamics

    return thermodynamics(exact_spectrum(J, h), np.asarray(betas, dtype=np.float64))


# --------------------------------------------------------------------------
# temperature ladders and parallel tempering
# --------------------------------------------------------------------------


def geometric_ladder(t_min: float, t_max: float, n_temps: int) -> np.ndarray:
    """Inverse temperatures ``β[n_temps]`` (ascending) with T geometric in [t_min, t_max]."""
    if not (0 < t_min < t_max) or not math.isfinite(t_max):
        raise InputError(f"need 0 < t_min < t_max, got t_min={t_min}, t_max={t_max}")
    if n_temps < 2:
        raise InputError(f"a temperature ladder needs >= 2 temperatures, got {n_temps}")
    temps = np.geomspace(t_max, t_min, n_temps)
    return 1.0 / temps


@dataclass(frozen=True)
class PTResult:
    """Outcome of a parallel-tempering run.

    betas [R] ascending; acceptance [R−1] swap acceptance between β_r and
    β_{r+1} (all chains pooled); energies [n_rec, C, R]; overlaps [n_rec, R]
    (chains 0 and 1) or None; best_energy [C]; best_state [C, N] int8;
    final_state [C, R, N] int8.
    """

    betas: np.ndarray
    acceptance: np.ndarray
    energies: np.ndarray
    overlaps: np.ndarray | None
    best_energy: np.ndarray
    best_state: np.ndarray
    final_state: np.ndarray


def parallel_tempering(
    J: np.ndarray,
    betas,
    *,
    n_sweeps: int = 1000,
    n_chains: int = 1,
    burn_in: int | None = None,
    record_every: int = 1,
    swap_every: int = 1,
    h: np.ndarray | None = None,
    seed=0,
) -> PTResult:
    """Replica-exchange Monte Carlo (Metropolis sweeps + neighbour swaps).

    Args:
        J: couplings [N, N] (symmetric, zero diagonal); h: field [N] or None.
        betas: ascending inverse temperatures [R].
        n_sweeps: sweeps per replica; burn_in: sweeps before recording
            (default n_sweeps // 4); record_every: thinning.
        n_chains: independent PT chains on the same couplings (2 gives two
            real replicas and their overlap q = s¹·s²/N at every β).
        swap_every: sweeps between swap rounds (even/odd pairs alternate).
    """
    J, h = _check_couplings(J, h)
    betas = np.ascontiguousarray(betas, dtype=np.float64)
    if betas.ndim != 1 or len(betas) < 1 or not np.all(np.isfinite(betas)):
        raise InputError("betas must be positive and strictly ascending (finite)")
    if np.any(np.diff(betas) <= 0) or betas[0] <= 0:
        raise InputError("betas must be positive and strictly ascending")
    if n_sweeps < 1 or n_chains < 1 or record_every < 1 or swap_every < 1:
        raise InputError("n_sweeps, n_chains, record_every and swap_every must be >= 1")
    burn_in = n_sweeps // 4 if burn_in is None else burn_in
    if not 0 <= burn_in < n_sweeps:
        raise InputError(f"burn_in must be in [0, n_sweeps), got {burn_in}")
    rng = _rng(seed)
    n, r = J.shape[0], len(betas)
    spins = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_chains, r, n))
    fields = np.einsum("ij,crj->cri", J, spins.astype(np.float64)) + h  # [C, R, N]
    energies = ising_energy(J, spins, h)  # [C, R]
    n_rec = (n_sweeps - burn_in - 1) // record_every + 1
    e_rec = np.zeros((n_rec, n_chains, r))
    q_rec = np.zeros((n_rec, r))
    acc = np.zeros((n_chains, max(r - 1, 1)), dtype=np.int64)
    att = np.zeros_like(acc)
    best_e = energies.min(axis=1).copy()
    best_s = spins[np.arange(n_chains), energies.argmin(axis=1)].copy()
    written = K.pt_run_dense(
        J,
        spins,
        fields,
        energies,
        betas,
        n_sweeps,
        swap_every,
        burn_in,
        record_every,
        _kernel_seed(rng),
        acc,
        att,
        e_rec,
        q_rec,
        best_e,
        best_s,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        acceptance = acc.sum(0) / att.sum(0) if r > 1 else np.zeros(0)
    return PTResult(
        betas=betas,
        acceptance=acceptance[: r - 1],
        energies=e_rec[:written],
        overlaps=q_rec[:written] if n_chains >= 2 else None,
        best_energy=best_e,
        best_state=best_s,
        final_state=spins,
    )


@dataclass(frozen=True)
class LadderResult:
    """An adapted ladder: betas [R] and the pilot acceptance of each round [rounds, R−1]."""

    betas: np.ndarray
    acceptance_history: np.ndarray


def adaptive_ladder(
    J: np.ndarray,
    t_min: float,
    t_max: float,
    n_temps: int,
    *,
    rounds: int = 4,
    pilot_sweeps: int = 300,
    seed=0,
) -> LadderResult:
    """Equalize the swap acceptance along the ladder by feedback.

    Start geometric; after each pilot PT run give each gap a cost −ln A_r
    (acceptance A_r, floored at 1e-3) and move the temperatures (piecewise
    linearly in ln β) so that every gap carries the same cost. Endpoints stay.
    """
    betas = geometric_ladder(t_min, t_max, n_temps)
    rng = _rng(seed)
    history = []
    for _ in range(rounds):
        res = parallel_tempering(
            J,
            betas,
            n_sweeps=pilot_sweeps,
            burn_in=pilot_sweeps // 3,
            record_every=pilot_sweeps,
            seed=rng,
        )
        a = np.clip(res.acceptance, 1e-3, 1.0)
        history.append(res.acceptance)
        cost = -np.log(a) + 1e-2
        cum = np.concatenate([[0.0], np.cumsum(cost)])
        target = np.linspace(0.0, cum[-1], n_temps)
        new = np.exp(np.interp(target, cum, np.log(betas)))
        new[0], new[-1] = betas[0], betas[-1]
        if np.any(np.diff(new) <= 0):
            break
        betas = new
    return LadderResult(betas=betas, acceptance_history=np.array(history))


# --------------------------------------------------------------------------
# ground states and their finite-size extrapolation
# --------------------------------------------------------------------------


def sk_ground_state(
    n: int,
    sample: int = 0,
    seed: int = 0,
    *,
    method: str = "pt",
    sweeps: int | None = None,
    n_temps: int = 20,
    t_min: float = 0.2,
    t_max: float = 1.6,
    ladder: str = "geometric",
) -> dict:
    """Lowest energy per spin found for one disorder sample (JSON-able dict).

    The disorder is drawn from ``(seed, n, sample)``. ``method="pt"`` runs two
    independent PT chains and keeps the lower minimum; ``agree`` says whether
    both chains found the same one (a convergence check). ``method="anneal"``
    uses two simulated-annealing restarts instead. Returns ``n``, ``sample``,
    ``e0`` (per spin), ``agree``, ``acceptance`` (PT) and the settings.
    """
    if method not in ("pt", "anneal"):
        raise InputError(f"unknown ground-state method {method!r}; use 'pt' or 'anneal'")
    if ladder not in ("geometric", "adaptive"):
        raise InputError(f"unknown ladder {ladder!r}; use 'geometric' or 'adaptive'")
    sweeps = int(sweeps) if sweeps is not None else max(500, 12 * n)
    rng = np.random.default_rng([seed, n, sample])
    J = sk_couplings(n, rng)
    out: dict = {"n": n, "sample": sample, "seed": seed, "method": method, "sweeps": sweeps}
    if method == "pt":
        if ladder == "adaptive":
            betas = adaptive_ladder(
                J, t_min, t_max, n_temps, pilot_sweeps=max(200, sweeps // 10), seed=rng
            ).betas
        else:
            betas = geometric_ladder(t_min, t_max, n_temps)
        res = parallel_tempering(
            J, betas, n_sweeps=sweeps, n_chains=2, record_every=sweeps, seed=rng
        )
        best = res.best_energy
        out["acceptance"] = res.acceptance.tolist()
        out["betas"] = betas.tolist()
    else:
        from isingformer.physics.glass.annealing import simulated_annealing

        runs = [
            simulated_annealing(J, None, n_steps=sweeps, t_start=t_max, t_end=t_min, seed=rng)
            for _ in range(2)
        ]
        best = np.array([r.energy for r in runs])
    # polish: the best states are already local minima at T→0 in practice;
    # the energy is recomputed exactly from the state to avoid drift
    out["e0"] = float(best.min()) / n
    out["agree"] = bool(abs(best[0] - best[1]) < 1e-9 * max(1.0, abs(best[0])))
    return out


SYST_EXPONENTS = (0.5, 1.0)  # the finite-size exponent is varied over these for the systematics


def extrapolate_ground_state(sizes, means, errors, exponent: float = 2.0 / 3.0) -> dict:
    """Fit e_N = e_∞ + A N^(−exponent) to ``means[n_sizes]`` with ``errors``.

    ``e_inf_err`` is the total error: the fit's statistical error
    (``e_inf_stat_err``) and a systematic error (``e_inf_syst_err``: the
    largest shift of e_∞ when the exponent is set to 1/2 or 1, or, with at
    least 3 sizes, the smallest size is dropped) in quadrature; the
    variants are listed in ``e_inf_variants``.
    """
    from isingformer.ensemble import fit_finite_size

    if len(sizes) < 2:
        raise InputError("the extrapolation needs at least 2 system sizes")
    n, m, e = (np.asarray(a, dtype=np.float64) for a in (sizes, means, errors))
    fit = fit_finite_size(n, m, e, form="power", exponent=exponent)
    variants = {
        f"exponent={x:g}": fit_finite_size(n, m, e, form="power", exponent=x).y_inf
        for x in SYST_EXPONENTS
    }
    if n.size >= 3:
        drop = np.argmin(n)
        keep = np.arange(n.size) != drop
        variants[f"without N={int(n[drop])}"] = fit_finite_size(
            n[keep], m[keep], e[keep], form="power", exponent=exponent
        ).y_inf
    syst = float(max(abs(v - fit.y_inf) for v in variants.values()))
    total = float(math.hypot(fit.y_inf_err, syst))
    return {
        "e_inf": fit.y_inf,
        "e_inf_err": total,
        "e_inf_stat_err": fit.y_inf_err,
        "e_inf_syst_err": syst,
        "e_inf_variants": {k: float(v) for k, v in variants.items()},
        "amplitude": fit.amplitude,
        "amplitude_err": fit.amplitude_err,
        "exponent": exponent,
        "chi2_per_dof": fit.chi2_per_dof,
        "parisi": PARISI_E_INF,
        "z_vs_parisi": (fit.y_inf - PARISI_E_INF) / total if total > 0 else float("nan"),
    }


def samples_per_size(sizes, samples: int, *, balance: bool = True, cap: int = 8) -> dict[int, int]:
    """Disorder samples per size: ``samples`` at the largest size and, with
    ``balance``, ``samples (N_max/N)^(3/2)`` (at most ``cap`` times as many)
    at smaller sizes, so that every point has a similar standard error (the
    sample-to-sample spread of e_N falls about as N^(-3/4)); without
    ``balance``, ``samples`` everywhere."""
    nmax = max(int(n) for n in sizes)
    if not balance:
        return {int(n): int(samples) for n in sizes}
    return {int(n): round(samples * min(float(cap), (nmax / int(n)) ** 1.5)) for n in sizes}


# --------------------------------------------------------------------------
# overlaps
# --------------------------------------------------------------------------


def rs_overlap(temperature: float) -> float:
    """Replica-symmetric Edwards–Anderson order parameter of SK at h = 0.

    Solves q = ∫Dz tanh²(β √q z), 0 for T ≥ 1, written as
    1 − q = ∫Dz sech²(β √q z) and integrated adaptively in u = β √q z, where
    the integrand's width is set by the narrower of the Gaussian and sech²
    (a fixed Gauss–Hermite rule misses the sech² peak of width T at low T:
    it gave q = 0.886 for every T ≤ 0.01 instead of q → 1 − sqrt(2/π)·T).
    The nonzero root is bracketed in (0, 1] and found by Brent's method.
    """
    from scipy.integrate import quad
    from scipy.optimize import brentq

    if not math.isfinite(temperature) or temperature <= 0:
        raise InputError(f"temperature must be positive and finite, got {temperature}")
    if temperature >= 1.0:
        return 0.0
    beta = 1.0 / temperature

    def one_minus_q(q: float) -> float:
        a = beta * math.sqrt(q)
        half = min(40.0, 12.0 * a)  # sech² ~ 4e^(−2|u|), Gaussian width a

        def f(u: float) -> float:
            return math.exp(-0.5 * (u / a) ** 2) / math.cosh(u) ** 2

        val, _ = quad(f, -half, half, points=[0.0], epsabs=1e-15, epsrel=1e-13, limit=200)
        return val / (a * math.sqrt(2.0 * math.pi))

    lo = min(1e-6, (1.0 - temperature) / 10.0)
    return float(brentq(lambda q: q - (1.0 - one_minus_q(q)), lo, 1.0, xtol=1e-15, rtol=1e-14))


def overlap_point(
    n: int,
    sample: int,
    seed: int,
    temperature: float,
    sweeps: int,
    n_temps: int = 12,
    t_max: float = 1.6,
) -> dict:
    """Overlaps q = s¹·s²/N of two real replicas for one disorder sample.

    Two PT chains (T from ``temperature`` to ``t_max``); returns the recorded
    overlaps at the lowest temperature as a list (JSON-able).
    """
    if not 0 < temperature < t_max:
        raise InputError(f"temperature must be in (0, {t_max}), got {temperature}")
    rng = np.random.default_rng([seed, n, sample, 7])
    J = sk_couplings(n, rng)
    betas = geometric_ladder(temperature, t_max, n_temps)
    res = parallel_tempering(
        J,
        betas,
        n_sweeps=sweeps,
        n_chains=2,
        burn_in=sweeps // 2,
        record_every=max(1, sweeps // 400),
        seed=rng,
    )
    return {
        "n": n,
        "sample": sample,
        "q": res.overlaps[:, -1].tolist(),
        "acceptance": res.acceptance.tolist(),
    }


@dataclass(frozen=True)
class OverlapResult:
    """P(q) per size: ``edges[n]`` [B+1], ``density[n]`` [B], ``weight_small[n]``
    = P(|q| < q_RS/2) with its error over disorder samples, ``q_rs``."""

    temperature: float
    q_rs: float
    edges: dict
    density: dict
    weight_small: dict
    weight_small_err: dict
    mean_abs_q: dict


def overlap_bins(n: int, bins: int) -> np.ndarray:
    """Histogram edges for overlaps of N spins, symmetric about 0.

    q takes the N + 1 values −1, −1 + 2/N, …, 1; every bin holds the same
    number g of them (about (N+1)/bins; the outermost bins may hold fewer),
    with edges half-way between allowed values, so no bin is empty by
    construction.
    """
    g = max(1, math.ceil((n + 1) / bins))
    top = 1.0 + 1.0 / n
    if n % 2 == 0:  # 0 is allowed: a central bin around it, g odd
        g += 1 - g % 2
        pos = [(2 * j + 1) * g / n for j in range(n + 1) if (2 * j + 1) * g / n < top]
    else:
        pos = [2 * j * g / n for j in range(n + 1) if 2 * j * g / n < top]
    pos = np.array([*pos, top])
    return np.unique(np.concatenate([-pos, pos]))


def overlap_distribution(points: list[dict], temperature: float, bins: int = 41) -> OverlapResult:
    """Histogram the overlaps of :func:`overlap_point` results, grouped by N.

    P(q) is symmetric, so q and −q are pooled. Replica symmetry predicts two
    peaks at ±q_RS that sharpen with N, so the weight near q = 0 should vanish
    as N grows; a weight that stays finite is the signature of replica
    symmetry breaking (Parisi's continuous P(q)).
    """
    q_rs = rs_overlap(temperature)
    edges, density, weight, weight_err, mean_abs = {}, {}, {}, {}, {}
    for n in sorted({p["n"] for p in points}):
        per_sample = [np.asarray(p["q"]) for p in points if p["n"] == n]
        allq = np.concatenate(per_sample)
        edges[n] = overlap_bins(n, bins)
        hist, _ = np.histogram(np.concatenate([allq, -allq]), bins=edges[n], density=True)
        density[n] = hist
        w = np.array([np.mean(np.abs(q) < q_rs / 2) for q in per_sample])
        weight[n] = float(w.mean())
        weight_err[n] = float(w.std(ddof=1) / math.sqrt(len(w))) if len(w) > 1 else float("nan")
        mean_abs[n] = float(np.mean(np.abs(allq)))
    return OverlapResult(temperature, q_rs, edges, density, weight, weight_err, mean_abs)


# --------------------------------------------------------------------------
# studies (sweeps through the runs store)
# --------------------------------------------------------------------------


def sk_point(config: dict) -> dict:
    """Top-level sweep function: :func:`sk_ground_state` of one config dict."""
    return sk_ground_state(**config)


def sk_study(
    sizes,
    samples: int = 20,
    seed: int = 0,
    *,
    sweeps: int | None = None,
    method: str = "pt",
    ladder: str = "geometric",
    n_temps: int = 20,
    t_min: float = 0.2,
    t_max: float = 1.6,
    store=None,
    executor: str = "process",
    progress: bool = True,
    dask_address: str | None = None,
    balance: bool = True,
) -> dict:
    """Ground-state energy per spin over sizes and disorder samples, extrapolated.

    ``samples`` is the count at the largest size; with ``balance`` smaller
    sizes get more (:func:`samples_per_size`) so the points have similar errors.
    Returns ``points`` (each ``n``, ``e0_mean``, ``e0_err`` = std/√samples,
    ``e0_std``, ``agree_fraction``, ``acceptance`` mean swap rate per gap,
    ``e0`` per sample) and ``e_inf``, ``e_inf_err`` from
    e_N = e_∞ + A N^(−2/3), with ``parisi`` and ``rs`` for comparison.
    """
    from isingformer.runs import run_sweep

    sizes = [int(n) for n in sizes]
    if not sizes:
        raise InputError("sizes: give at least one SK size")
    check_seed(seed)
    if min(sizes) < 4:
        raise InputError(f"SK sizes must be >= 4, got {min(sizes)}")
    if samples < MIN_N:  # no error bar over fewer values
        raise InputError(
            f"--samples: need >= {MIN_N} disorder samples for an error bar, got {samples}"
        )
    if sweeps is not None and sweeps < 10:
        raise InputError(f"sweeps must be >= 10, got {sweeps}")
    if n_temps < 2:
        raise InputError(f"n_temps must be >= 2, got {n_temps}")
    geometric_ladder(t_min, t_max, n_temps)  # validates the ends
    if method not in ("pt", "anneal") or ladder not in ("geometric", "adaptive"):
        raise InputError("method must be 'pt' or 'anneal' and ladder 'geometric' or 'adaptive'")
    per_size = samples_per_size(sizes, samples, balance=balance)
    configs = [
        {
            "n": n,
            "sample": k,
            "seed": int(seed),
            "method": method,
            "sweeps": sweeps,
            "n_temps": n_temps,
            "t_min": t_min,
            "t_max": t_max,
            "ladder": ladder,
        }
        for n in sizes
        for k in range(per_size[n])
    ]
    results = run_sweep(
        sk_point,
        configs,
        sweep="glass.sk",
        store=store,
        executor=executor,
        progress=progress,
        dask_address=dask_address,
    )
    points = []
    for n in sizes:
        rs = [r for r in results if r["n"] == n]
        e = np.array([r["e0"] for r in rs])
        acc = np.array([r["acceptance"] for r in rs]) if method == "pt" else None
        points.append(
            {
                "size": n,  # N; "n" is the number of values behind an estimate
                "e0_mean": float(e.mean()),
                "e0_err": float(e.std(ddof=1) / math.sqrt(len(e))),
                "e0_std": float(e.std(ddof=1)),
                "samples": len(e),
                "agree_fraction": float(np.mean([r["agree"] for r in rs])),
                "acceptance": acc.mean(axis=0).tolist() if acc is not None else None,
                "e0": e.tolist(),
            }
        )
    out = {
        "samples": samples,
        "samples_per_size": per_size,
        "seed": seed,
        "sampler": method,  # --method; "method" names an estimator (docs/cli.md)
        "ladder": ladder,
        "sweeps": sweeps,
        "n_temps": n_temps,
        "t_min": t_min,
        "t_max": t_max,
        "points": points,
        "parisi": PARISI_E_INF,
        "rs": RS_E_INF,
        "e0_err_method": E0_ERR_METHOD,
    }
    if len(sizes) >= 2:
        out.update(
            extrapolate_ground_state(
                [p["size"] for p in points],
                [p["e0_mean"] for p in points],
                [p["e0_err"] for p in points],
            )
        )
    else:  # the same keys (NaN: null in the JSON): no extrapolation from one size
        keys = ("e_inf", "e_inf_err", "e_inf_stat_err", "e_inf_syst_err", "amplitude",
                "amplitude_err", "exponent", "chi2_per_dof", "z_vs_parisi")  # fmt: skip
        out.update(dict.fromkeys(keys, float("nan")), e_inf_variants=None)
    out["e_inf_err_method"] = E_INF_ERR_METHOD
    return out


def _overlap_sweep_point(config: dict) -> dict:
    return overlap_point(**config)


def overlap_study(
    sizes,
    temperature: float = 0.5,
    samples: int = 10,
    seed: int = 0,
    *,
    sweeps: int = 4000,
    n_temps: int = 12,
    bins: int = 41,
    store=None,
    executor: str = "process",
    progress: bool = True,
    dask_address: str | None = None,
) -> dict:
    """P(q) of two real replicas at ``temperature`` (< 1) for several N.

    Returns ``temperature``, ``q_rs`` (replica-symmetric q_EA) and
    ``curves`` (each ``n``, histogram ``edges`` and ``density``, ``weight_small`` = P(|q| < q_RS/2)
    with ``weight_small_err``, ``mean_abs_q``) and ``acceptance``.
    """
    from isingformer.runs import run_sweep

    sizes = [int(n) for n in sizes]
    if not sizes:
        raise InputError("sizes: give at least one SK size")
    check_seed(seed)
    if min(sizes) < 4:
        raise InputError(f"sizes must be >= 4, got {min(sizes)}")
    if not 0 < temperature < 1:
        raise InputError(
            f"P(q) is studied below T_c = 1: temperature must be in (0, 1), got {temperature}"
        )
    if samples < MIN_N or sweeps < 100 or n_temps < 2 or bins < 2:  # samples: error bars
        raise InputError(f"need samples >= {MIN_N}, sweeps >= 100, n_temps >= 2, bins >= 2")
    configs = [
        {
            "n": n,
            "sample": k,
            "seed": int(seed),
            "temperature": float(temperature),
            "sweeps": int(sweeps),
            "n_temps": int(n_temps),
        }
        for n in sizes
        for k in range(samples)
    ]
    results = run_sweep(
        _overlap_sweep_point,
        configs,
        sweep="glass.overlap",
        store=store,
        executor=executor,
        progress=progress,
        dask_address=dask_address,
    )
    dist = overlap_distribution(results, temperature, bins)
    return {
        "temperature": temperature,
        "samples": samples,
        "seed": seed,
        "sweeps": sweeps,
        "q_rs": dist.q_rs,
        "curves": [
            {
                "size": n,
                "edges": dist.edges[n].tolist(),
                "density": dist.density[n].tolist(),
                "weight_small": dist.weight_small[n],
                "weight_small_err": dist.weight_small_err[n],
                "mean_abs_q": dist.mean_abs_q[n],
                "acceptance": np.mean(
                    [r["acceptance"] for r in results if r["n"] == n], axis=0
                ).tolist(),
            }
            for n in sorted(dist.density)
        ],
        "rs_expectation": "two peaks at ±q_rs sharpening with N: weight_small -> 0",
        "weight_small_err_method": WEIGHT_SMALL_ERR_METHOD,
    }
