"""Attention as a modern (continuous) Hopfield network (Ramsauer et al. 2021).

Stored patterns are the columns of ``X [d, P]``; a state (query) ξ ∈ R^d is
updated by

    ξ ← X softmax(β Xᵀ ξ)

which is one attention step with query ξ, keys = values = the patterns and
inverse temperature β. The softmax is a Gibbs distribution over patterns
with energies E_μ = −x_μ·ξ, so the same ensemble core that describes an
attention row (entropy S, max weight, e^S effective states) describes the
fixed points. As β grows the fixed points go through three regimes:

- **global average** (small β): one fixed point near the mean of all
  patterns; e^S ≥ P/2;
- **metastable** (intermediate β): averages over subsets (e.g. clusters of
  similar patterns); 1 < e^S < P/2 and max weight < 0.9;
- **retrieval** (large β): the fixed point sits on a single pattern
  (max weight ≥ 0.9).

Separation (Ramsauer et al., Theorem 3): pattern i with separation
Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j has a fixed point within radius 1/(βPM) of
itself when Δ_i ≥ 2/(βP) + ln(2(P−1)PβM²)/β, M = max_j ‖x_j‖. The smallest
such β is :func:`separation_beta`; it is sufficient, not necessary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from isingformer.errors import InputError
from isingformer.validate import check_seed

__all__ = [
    "REGIMES",
    "ModernScan",
    "attention_step",
    "classify_weights",
    "clustered_patterns",
    "fixed_point",
    "hopfield_update",
    "modern_study",
    "regime_scan",
    "separation",
    "separation_beta",
]

REGIMES = ("global", "metastable", "retrieval")


def _check_x(X) -> torch.Tensor:
    X = torch.as_tensor(np.asarray(X), dtype=torch.float64)
    if X.ndim != 2 or X.shape[1] < 2:
        raise InputError(f"patterns X must have shape [d, P] with P >= 2, got {tuple(X.shape)}")
    if not torch.isfinite(X).all():
        raise InputError("patterns must be finite")
    return X


def _check_beta(beta: float) -> float:
    if not (beta > 0 and math.isfinite(beta)):
        raise InputError(f"beta must be positive and finite, got {beta}")
    return float(beta)


def clustered_patterns(
    d: int = 64, n_patterns: int = 32, n_clusters: int = 4, spread: float = 0.5, seed=0
) -> np.ndarray:
    """Unit-norm patterns ``X [d, P]`` in ``n_clusters`` groups.

    Pattern = normalize(c_k + spread·g/√d) with c_k a random unit center and
    g standard normal; pattern μ belongs to cluster μ mod n_clusters.
    ``n_clusters = n_patterns`` gives unclustered random patterns.
    """
    if d < 2 or n_patterns < 2 or not 1 <= n_clusters <= n_patterns or spread < 0:
        raise InputError("need d >= 2, n_patterns >= 2, 1 <= n_clusters <= n_patterns, spread >= 0")
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(n_clusters, d))
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    x = centers[np.arange(n_patterns) % n_clusters] + spread * rng.normal(size=(n_patterns, d)) / (
        math.sqrt(d)
    )
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.T.copy()


def hopfield_update(X, xi, beta: float) -> torch.Tensor:
    """One update ξ ← X softmax(β Xᵀ ξ) for states ``xi [..., d]``; returns [..., d]."""
    X = _check_x(X)
    xi = torch.as_tensor(np.asarray(xi) if not torch.is_tensor(xi) else xi, dtype=torch.float64)
    p = torch.softmax(_check_beta(beta) * (xi @ X), dim=-1)  # [..., P]
    return p @ X.T


def attention_step(X, xi, beta: float) -> torch.Tensor:
    """The same update through ``F.scaled_dot_product_attention``.

    Query = ξ [S, d], keys = values = patterns [P, d], scale = β.
    """
    X = _check_x(X)
    q = torch.as_tensor(np.asarray(xi), dtype=torch.float64).reshape(1, 1, -1, X.shape[0])
    kv = X.T.reshape(1, 1, X.shape[1], X.shape[0])
    out = torch.nn.functional.scaled_dot_product_attention(q, kv, kv, scale=_check_beta(beta))
    return out.reshape(-1, X.shape[0])


def fixed_point(X, xi0, beta: float, *, tol: float = 1e-10, max_iter: int = 2000):
    """Iterate the update from ``xi0 [S, d]`` to a fixed point.

    Returns (ξ* [S, d], weights softmax(β Xᵀ ξ*) [S, P], iterations, converged [S]).
    """
    Xn = _check_x(X).numpy()
    beta = _check_beta(beta)
    xi0 = xi0.detach().cpu().numpy() if torch.is_tensor(xi0) else np.asarray(xi0)
    xi = np.array(xi0, dtype=np.float64).reshape(-1, Xn.shape[0])

    def weights_of(v: np.ndarray) -> np.ndarray:  # stable softmax over patterns, [S, P]
        z = beta * (v @ Xn)
        z -= z.max(axis=1, keepdims=True)
        w = np.exp(z)
        return w / w.sum(axis=1, keepdims=True)

    # NumPy here: tiny matrices, many iterations (torch's per-op overhead dominates)
    done = np.zeros(xi.shape[0], dtype=bool)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        new = weights_of(xi) @ Xn.T
        done = np.linalg.norm(new - xi, axis=1) < tol
        xi = new
        if done.all():
            break
    weights = weights_of(xi)
    return torch.from_numpy(xi), torch.from_numpy(weights), it, torch.from_numpy(done)


def classify_weights(weights: torch.Tensor) -> list[str]:
    """Regime of each fixed point from its weights [S, P] (see module doc)."""
    w = torch.as_tensor(weights, dtype=torch.float64)
    p = w.shape[-1]
    ent = -(w * torch.log(w.clamp_min(1e-300))).sum(-1)
    neff = torch.exp(ent)
    maxw = w.max(-1).values
    out = []
    for m, n in zip(maxw.tolist(), neff.tolist(), strict=True):
        out.append("retrieval" if m >= 0.9 else "global" if n >= p / 2 else "metastable")
    return out


def separation(X) -> np.ndarray:
    """Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j for every pattern, shape [P]."""
    X = _check_x(X).numpy()
    g = X.T @ X
    off = g.copy()
    np.fill_diagonal(off, -np.inf)
    return np.diag(g) - off.max(axis=1)


def separation_beta(X) -> np.ndarray:
    """Smallest β with Δ_i ≥ 2/(βP) + ln(2(P−1)PβM²)/β, per pattern [P] (inf if Δ_i ≤ 0)."""
    from scipy.optimize import brentq

    Xn = _check_x(X).numpy()
    p = Xn.shape[1]
    m2 = float(np.max(np.sum(Xn * Xn, axis=0)))
    out = np.full(p, np.inf)
    for i, delta in enumerate(separation(Xn)):
        if delta <= 0:
            continue

        def g(lb, delta=delta):  # lb = ln β; g > 0 when the condition holds
            b = math.exp(lb)
            return b * delta - 2.0 / p - math.log(2.0 * (p - 1) * p * b * m2)

        # g is convex in ln β with g → +∞ at both ends; take the upper root
        # (the large-β branch) beyond the minimum at β = 1/Δ.
        lo = math.log(1.0 / delta)
        if g(lo) >= 0:
            out[i] = math.exp(lo)
            continue
        hi = lo + 1.0
        while g(hi) < 0:
            hi += 1.0
        out[i] = math.exp(brentq(g, lo, hi, xtol=1e-12))
    return out


@dataclass(frozen=True)
class ModernScan:
    """Fixed-point regimes over a β grid.

    betas [B]; fractions[name] [B] fraction of starts whose fixed point is in
    that regime; regime [B] majority regime; entropy, max_weight,
    effective_states [B] mean over starts of the ensemble-core curves at the
    fixed points; query_entropy [B] the same entropy for one attention step
    from the starts (the attention-row view); n_fixed_points [B] distinct
    fixed points; regimes: contiguous β ranges of each majority regime;
    separation_beta [P]; retrieval_beta: smallest β from which every start
    is retrieved.
    """

    betas: np.ndarray
    fractions: dict
    regime: list
    entropy: np.ndarray
    max_weight: np.ndarray
    effective_states: np.ndarray
    query_entropy: np.ndarray
    n_fixed_points: np.ndarray
    regimes: list
    separation_beta: np.ndarray
    retrieval_beta: float


def _count_distinct(xi: torch.Tensor, tol: float = 1e-4) -> int:
    reps: list[torch.Tensor] = []
    for v in xi:
        if not any(float((v - r).norm()) < tol for r in reps):
            reps.append(v)
    return len(reps)


def regime_scan(X, betas, *, noise: float = 0.1, seed=0) -> ModernScan:
    """Run the fixed-point iteration from every pattern plus Gaussian noise.

    Args: X [d, P] patterns, betas [B] ascending, noise: std of the noise
    added to each start, relative to the mean pattern norm.
    """
    from isingformer.ensemble import thermodynamics

    X = _check_x(X)
    betas = np.asarray(betas, dtype=np.float64)
    if betas.ndim != 1 or len(betas) < 2 or np.any(betas <= 0) or np.any(np.diff(betas) <= 0):
        raise InputError("betas must be a positive ascending grid of >= 2 values")
    d, p = X.shape
    gen = torch.Generator().manual_seed(int(np.random.default_rng(seed).integers(2**31)))
    scale = float(X.norm(dim=0).mean()) / math.sqrt(d)
    starts = X.T + noise * scale * torch.randn(p, d, generator=gen, dtype=torch.float64)
    fractions = {name: [] for name in REGIMES}
    regime, ent, maxw, neff, qent, nfp = [], [], [], [], [], []
    for b in betas:
        xi, _, _, _ = fixed_point(X, starts, b)
        th = thermodynamics(-(xi @ X), torch.tensor([b], dtype=torch.float64))  # [S, 1]
        labels = classify_weights(torch.softmax(b * (xi @ X), dim=-1))
        for name in REGIMES:
            fractions[name].append(labels.count(name) / len(labels))
        regime.append(max(REGIMES, key=lambda k: labels.count(k)))
        ent.append(float(th.entropy.mean()))
        maxw.append(float(th.max_weight.mean()))
        neff.append(float(th.effective_states.mean()))
        qent.append(
            float(
                thermodynamics(-(starts @ X), torch.tensor([b], dtype=torch.float64)).entropy.mean()
            )
        )
        nfp.append(_count_distinct(xi))
    ranges = []
    for b, r in zip(betas.tolist(), regime, strict=True):
        if ranges and ranges[-1]["regime"] == r:
            ranges[-1]["beta_max"] = b
        else:
            ranges.append({"regime": r, "beta_min": b, "beta_max": b})
    frac_ret = np.array(fractions["retrieval"])
    full = np.nonzero(frac_ret >= 1.0)[0]
    ret_beta = float("nan")
    if len(full) and np.all(frac_ret[full[0] :] >= 1.0):
        ret_beta = float(betas[full[0]])
    return ModernScan(
        betas=betas,
        fractions={k: np.array(v) for k, v in fractions.items()},
        regime=regime,
        entropy=np.array(ent),
        max_weight=np.array(maxw),
        effective_states=np.array(neff),
        query_entropy=np.array(qent),
        n_fixed_points=np.array(nfp),
        regimes=ranges,
        separation_beta=separation_beta(X),
        retrieval_beta=ret_beta,
    )


def modern_study(
    d: int = 64,
    n_patterns: int = 32,
    n_clusters: int = 4,
    spread: float = 0.5,
    betas=None,
    *,
    noise: float = 0.1,
    seed: int = 0,
) -> dict:
    """The three regimes for clustered random patterns (JSON-able dict).

    Default β grid: 41 points log-spaced over [0.1, 1000]. Returns
    ``regimes`` (contiguous β ranges of each majority regime), the curves,
    ``retrieval_beta`` (observed) and ``separation_beta`` (the sufficient
    bound of Ramsauer et al.: min / median / max over patterns).
    """
    check_seed(seed)
    betas = np.geomspace(0.1, 1000.0, 41) if betas is None else np.asarray(betas, dtype=float)
    X = clustered_patterns(d, n_patterns, n_clusters, spread, seed)
    scan = regime_scan(X, betas, noise=noise, seed=seed)
    sep = scan.separation_beta
    fin = sep[np.isfinite(sep)]
    return {
        "dim": d,
        "n_patterns": n_patterns,
        "n_clusters": n_clusters,
        "spread": spread,
        "noise": noise,
        "seed": seed,
        "regimes": scan.regimes,
        "betas": scan.betas.tolist(),
        "regime": scan.regime,
        "fractions": {k: v.tolist() for k, v in scan.fractions.items()},
        "entropy": scan.entropy.tolist(),
        "query_entropy": scan.query_entropy.tolist(),
        "max_weight": scan.max_weight.tolist(),
        "effective_states": scan.effective_states.tolist(),
        "n_fixed_points": scan.n_fixed_points.tolist(),
        "retrieval_beta": scan.retrieval_beta,
        "separation_beta": {
            "min": float(fin.min()) if fin.size else None,
            "median": float(np.median(fin)) if fin.size else None,
            "max": float(fin.max()) if fin.size else None,
            "separated_patterns": int(fin.size),
        },
        "separation": separation(X).tolist(),
    }
