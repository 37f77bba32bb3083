"""Asymptotic theory of the linear-attention model (Lu, Letey, Zavatone-Veth,
Maiti & Pehlevan 2024, arXiv 2405.11751) in the limit of infinite pretraining
data (their τ = n/d² → ∞), at proportional scaling ``ℓ = α d``, ``k = κ d``,
``d → ∞``.

With τ = ∞ the trained weights are ``Γ = Ω̃ (Ω̃ + ρ I)⁻¹`` (``Ω̃ = d Ω`` the
empirical task covariance of the pool, ``ρ = (1 + σ²)/α``), so the
out-of-distribution error depends on the pool only through the spectrum of
``Ω̃``, a Marchenko–Pastur law of ratio ``γ = 1/κ`` (with an atom of mass
``1 − κ`` at zero when κ < 1):

    e_OOD(κ) = 1 + σ² − 2⟨g⟩ + (1 + ρ)⟨g²⟩,  g(λ) = λ / (λ + ρ),
    ⟨g⟩ = 1 − ρ m,  ⟨g²⟩ = 1 − 2ρ m + ρ² m′,

with ``m = m(−ρ)`` the Marchenko–Pastur Stieltjes transform and ``m′`` its
derivative. This is the κ-dependence of the paper's learning curve at τ → ∞
(the finite-τ terms, e.g. the double descent at τ = 1, are not implemented).
"""

from __future__ import annotations

import math

import numpy as np

from isingformer.errors import InputError

__all__ = [
    "marchenko_pastur_stieltjes",
    "theory_ood_error",
    "theory_threshold",
]


def marchenko_pastur_stieltjes(z: float, ratio: float) -> tuple[float, float]:
    """``m(z) = ∫ dμ(λ) / (λ − z)`` and ``m′(z)`` for the Marchenko–Pastur law of
    ratio ``γ = d/k`` (unit variance, atom ``1 − 1/γ`` at 0 when γ > 1), at
    real ``z < 0``. ``m`` solves ``γ z m² + (z − 1 + γ) m + 1 = 0``."""
    if not z < 0:
        raise InputError(f"the Stieltjes transform is evaluated at z < 0 here, got {z}")
    g = float(ratio)
    if g == 0.0:
        return 1.0 / (1.0 - z), 1.0 / (1.0 - z) ** 2
    bq = z - 1.0 + g
    m = (-bq - math.sqrt(bq * bq - 4.0 * g * z)) / (2.0 * g * z)
    dm = -(g * m * m + m) / (2.0 * g * z * m + bq)
    return m, dm


def theory_ood_error(kappa: float, alpha: float, noise: float) -> float:
    """Asymptotic out-of-distribution error of the τ = ∞ linear-attention model
    at task diversity ``κ = k/d`` (``math.inf``: a fresh task per sequence),
    context ratio ``α = ℓ/d`` and label noise ``σ``."""
    if not (kappa > 0 and alpha > 0 and noise > 0):
        raise InputError("theory needs κ > 0, α > 0 and σ > 0")
    rho = (1.0 + noise**2) / alpha
    ratio = 0.0 if math.isinf(kappa) else 1.0 / kappa
    m, dm = marchenko_pastur_stieltjes(-rho, ratio)
    g1 = 1.0 - rho * m
    g2 = 1.0 - 2.0 * rho * m + rho * rho * dm
    return 1.0 + noise**2 - 2.0 * g1 + (1.0 + rho) * g2


def theory_threshold(alpha: float, noise: float) -> float:
    """The task diversity ``κ* = k*/d`` where the theory's OOD error is halfway
    between the null error ``1 + σ²`` (κ → 0) and its κ = ∞ value (the same
    midpoint rule :func:`isingformer.icl.sweep.crossing` applies to data)."""
    from scipy.optimize import brentq

    level = 0.5 * (1.0 + noise**2 + theory_ood_error(math.inf, alpha, noise))
    f = lambda logk: theory_ood_error(math.exp(logk), alpha, noise) - level  # noqa: E731
    return float(math.exp(brentq(f, math.log(1e-6), math.log(1e6), xtol=1e-12)))


def _mp_check(ratio: float, z: float, d: int, rng: np.random.Generator) -> tuple[float, float]:
    """Finite-d Monte Carlo of ``m(z)``, ``m′(z)`` (used by the tests)."""
    k = max(1, round(d / ratio))
    w = rng.standard_normal((k, d))
    lam = np.linalg.eigvalsh(w.T @ w / k)
    return float(np.mean(1 / (lam - z))), float(np.mean(1 / (lam - z) ** 2))
