"""Prime gaps against domain-wall and Poisson models (seed 001 §3.1).

Models for the gap g = p' − p after a prime p (all even, p > 2), each a
mixture over the ln p bins of the sieve histogram:

- ``cramer``: Cramér's random model, every integer prime with probability
  1/ln p (geometric gaps, odd gaps allowed);
- ``cramer_mod2`` = ``ising_1d``: every odd integer prime with probability
  2/ln p — geometric even gaps. This is *exactly* the law of the spacing of
  domain walls of a 1D Ising chain (bonds are independent walls with
  probability u/(1+u), u = e^(−2βJ), from the transfer matrix) with the wall
  density tuned to 2/ln p;
- ``hardy_littlewood``: P(g) ∝ S(g) e^(−a g), a fixed by mean gap = ln p
  (prime number theorem), with the singular series
  S(g) = 2C_2 Π_(q | g, q > 2) (q − 1)/(q − 2) — Gallagher's Poisson law
  dressed with the Hardy–Littlewood correlations (the excess at multiples of 6).

Spacings of domain walls in rows of a 2D Ising torus (Monte Carlo, Wolff) are
compared through their distance to the independent-wall (geometric) law of
the same mean and through CV² = Var/mean², as for the primes.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from isingformer.errors import InputError
from isingformer.numbers.sieve import GapHistogram, gap_histogram
from isingformer.validate import check_int, check_seed

__all__ = [
    "TWIN_PRIME_CONSTANT",
    "gap_models",
    "gaps_study",
    "ising_row_walls",
    "singular_series",
]

TWIN_PRIME_CONSTANT = 0.66016181584686957393


def _odd_prime_factors(n: int) -> list[int]:
    out, q = [], 3
    while n % 2 == 0:
        n //= 2
    while q * q <= n:
        if n % q == 0:
            out.append(q)
            while n % q == 0:
                n //= q
        q += 2
    if n > 1:
        out.append(n)
    return out


@functools.cache
def _singular_table(max_half: int) -> np.ndarray:
    return np.array([singular_series(2 * j) if j >= 1 else 0.0 for j in range(max_half + 1)])


def singular_series(g: int) -> float:
    """Hardy–Littlewood S(g) for even g ≥ 2 (0 for odd g): S(2) = 2C_2, S(6) = 4C_2."""
    if g % 2:
        return 0.0
    s = 2 * TWIN_PRIME_CONSTANT
    for q in _odd_prime_factors(g):
        s *= (q - 1) / (q - 2)
    return s


def _hl_pmf(ln_p: float, max_half: int) -> np.ndarray:
    """S(g) e^(−a g), normalised, with the rate a fixed by mean gap = ln p (bisection)."""
    s = _singular_table(max_half)
    g = 2.0 * np.arange(max_half + 1)
    lo, hi = 0.1 / ln_p, 10.0 / ln_p
    for _ in range(80):
        a = 0.5 * (lo + hi)
        w = s * np.exp(-a * g)
        if float(np.sum(w * g) / np.sum(w)) > ln_p:
            lo = a
        else:
            hi = a
    w = s * np.exp(-0.5 * (lo + hi) * g)
    return w / w.sum()


def gap_models(ln_p: float, max_half: int) -> dict[str, np.ndarray]:
    """P(g = 2j), j = 0..max_half (j = 0 has probability 0), for each model at one ln p.

    The ``cramer`` model also puts mass on odd gaps; its entry j collects
    g ∈ {2j − 1, 2j} so that all models live on the same bins of even gaps.
    """
    j = np.arange(max_half + 1, dtype=np.float64)
    q2 = 2.0 / ln_p
    mod2 = np.where(j >= 1, q2 * (1 - q2) ** np.maximum(j - 1, 0), 0.0)
    q1 = 1.0 / ln_p
    g = 2 * j
    cr = np.where(j >= 1, q1 * (1 - q1) ** np.maximum(g - 2, 0) * (1 + (1 - q1)), 0.0)
    cr[1] = q1 + q1 * (1 - q1)  # g = 1 (impossible for p > 2) and g = 2
    hl = _hl_pmf(float(ln_p), int(max_half))
    for p in (mod2, cr):
        p[-1] += max(0.0, 1.0 - p.sum())  # tail mass into the last (clamped) bin
    return {"cramer": cr, "cramer_mod2": mod2, "hardy_littlewood": hl}


def _window_stats(hist: GapHistogram, lo: float, hi: float) -> dict:
    mask = hist.window(lo, hi)
    if not mask.any() or hist.counts[mask].sum() == 0:
        raise InputError(f"no prime gaps in the window [{lo:g}, {hi:g})")
    counts = hist.counts[mask].astype(np.float64)
    centres = hist.ln_centres()[mask]
    total = counts.sum()
    emp = counts.sum(axis=0) / total
    g = 2.0 * np.arange(counts.shape[1])
    mix: dict[str, np.ndarray] = {}
    moments: dict[str, list[float]] = {}
    for c, w in zip(centres, counts.sum(axis=1), strict=True):
        if w == 0:
            continue
        for name, p in gap_models(float(c), counts.shape[1] - 1).items():
            mix[name] = mix.get(name, 0.0) + (w / total) * p
            m = moments.setdefault(name, [0.0, 0.0])
            m[0] += (w / total) * float(np.sum(p * g / c))
            m[1] += (w / total) * float(np.sum(p * (g / c) ** 2))
    F = np.cumsum(emp)
    ks = {name: float(np.max(np.abs(F - np.cumsum(p)))) for name, p in mix.items()}
    n = counts.sum(axis=0)
    loglik = {
        name: float(np.sum(n[n > 0] * np.log(np.maximum(p[n > 0], 1e-300))) / total)
        for name, p in mix.items()
    }
    j = np.arange(counts.shape[1])
    mult6 = (2 * j) % 6 == 0
    # normalised gaps s = g / ln p: mean and CV², per gap
    s_mean = float(np.sum(counts * g[None, :] / centres[:, None]) / total)
    s2 = float(np.sum(counts * (g[None, :] / centres[:, None]) ** 2) / total)
    return {
        "window": [lo, hi],
        "n_gaps": int(total),
        "ks": ks,
        "loglik_per_gap": loglik,
        "log_lr_hl_vs_cramer_mod2_per_gap": loglik["hardy_littlewood"] - loglik["cramer_mod2"],
        "share_multiple_of_6": {
            "primes": float(emp[mult6].sum()),
            **{name: float(p[mult6].sum()) for name, p in mix.items()},
        },
        "ratio_6_to_4": {
            "primes": float(emp[3] / emp[2]) if emp[2] else None,
            **{name: float(p[3] / p[2]) for name, p in mix.items()},
        },
        "normalised_mean": s_mean,
        "normalised_cv2": s2 / s_mean**2 - 1.0,
        "model_normalised_cv2": {k: float(m[1] / m[0] ** 2 - 1.0) for k, m in moments.items()},
        "empirical_pmf": emp.tolist(),
        "model_pmf": {k: v.tolist() for k, v in mix.items()},
    }


def ising_row_walls(
    size: int, temperature: float, *, sweeps: int = 200, samples: int = 40, seed: int = 0
) -> dict:
    """Spacings of domain walls along the rows of an L × L Ising torus (Wolff Monte Carlo).

    Returns ``mean`` spacing, ``cv2`` = Var/mean², and ``ks_geometric`` — the KS
    distance of the spacing distribution to the geometric law of the same mean
    (independent walls, the 1D-Ising/Cramér null)."""
    from isingformer.physics import Sampler, square_ising, wolff

    if size < 8 or size > 512:
        raise InputError(f"--ising-size: the row-cut study needs 8 <= L <= 512, got {size}")
    sampler = Sampler(square_ising(size), wolff())
    state = sampler.init_state([1.0 / temperature], seed=seed)
    state = sampler.sweep(state, sweeps)
    gaps: list[np.ndarray] = []
    for _ in range(samples):
        state = sampler.sweep(state, 5)
        grid = state.spins[0].reshape(size, size).astype(np.int64)
        for row in grid:
            walls = np.nonzero(row != np.roll(row, -1))[0]
            if walls.size >= 2:
                d = np.diff(np.concatenate([walls, walls[:1] + size]))
                gaps.append(d)
    if not gaps:
        return {"temperature": temperature, "n_spacings": 0, "mean": None, "cv2": None}
    d = np.concatenate(gaps).astype(np.float64)
    mean = float(d.mean())
    p = 1.0 / mean
    k = np.arange(1, int(d.max()) + 1)
    emp = np.array([np.mean(d <= x) for x in k])
    geo = 1.0 - (1.0 - p) ** k
    return {
        "temperature": float(temperature),
        "size": int(size),
        "seed": int(seed),
        "n_spacings": int(d.size),
        "mean": mean,
        "cv2": float(d.var() / mean**2),
        "ks_geometric": float(np.max(np.abs(emp - geo))),
    }


def gaps_study(
    limit: int, *, ising_size: int = 0, seeds: int = 3, ising_samples: int = 40, seed: int = 0
) -> dict:
    """Prime gaps up to ``limit`` against the models, in the top decade window
    [limit/10, limit) (and every decade above 10^3), plus — when ``ising_size``
    > 0 — 2D Ising row-cut walls at T_c, 0.9 T_c and 1.3 T_c over ``seeds`` seeds
    ``seed, seed + 1, …``."""
    check_int(ising_size, "ising_size", ge=0)
    check_int(seeds, "seeds", ge=1)
    check_int(ising_samples, "ising_samples", ge=1)
    check_seed(seed)
    hist = gap_histogram(limit)
    top = _window_stats(hist, limit / 10, float(limit) + 1)
    decades = []
    k = 3
    while 10 ** (k + 1) <= limit:
        w = _window_stats(hist, 10.0**k, 10.0 ** (k + 1))
        decades.append({key: w[key] for key in ("window", "n_gaps", "ks", "normalised_cv2")})
        k += 1
    best = min(top["ks"], key=top["ks"].get)
    out = {
        "limit": int(limit),
        "n_primes": hist.n_primes,
        "clamped_gaps": hist.clamped,
        "ks": top["ks"],
        "top_window": top,
        "decades": decades,
        "best_model": best,
    }
    if ising_size:
        tc = 2.0 / math.log(1 + math.sqrt(2))
        rows = {}
        for label, t in (("tc", tc), ("cold", 0.9 * tc), ("hot", 1.3 * tc)):
            rows[label] = [
                ising_row_walls(ising_size, t, seed=s, samples=ising_samples)
                for s in range(seed, seed + seeds)
            ]
        out["ising_2d"] = rows
    out["verdict"] = _verdict(out)
    return out


GAP_MODEL_NAMES = {  # the gap models in words, for verdicts and legends
    "cramer": "Cramér (independent walls)",
    "cramer_mod2": "Cramér mod 2 (1D Ising walls)",
    "hardy_littlewood": "Hardy–Littlewood",
}


def _verdict(out: dict) -> str:
    top = out["top_window"]
    ks = top["ks"]
    share = top["share_multiple_of_6"]
    text = (
        f"Normalised prime gaps up to {out['limit']:.3g} are closest to the "
        f"{GAP_MODEL_NAMES[out['best_model']]} model (KS {ks[out['best_model']]:.4f}); the "
        "independent-wall "
        f"law (Cramér mod 2 = 1D Ising domain walls) is off by KS {ks['cramer_mod2']:.4f}. "
        f"{100 * share['primes']:.1f}% of gaps are multiples of 6 against "
        f"{100 * share['cramer_mod2']:.1f}% for independent walls: an arithmetic "
        "(Hardy–Littlewood) structure that no spin model here has."
    )
    if "ising_2d" in out:
        cv = {
            k: np.mean([r["cv2"] for r in v if r["cv2"] is not None])
            for k, v in out["ising_2d"].items()
        }
        text += (
            f" CV² of spacings: primes {top['normalised_cv2']:.3f}, 2D Ising row walls at T_c "
            f"{cv['tc']:.3f} — the critical walls cluster, the primes repel slightly; the "
            "resemblance to critical Ising statistics claimed in §3.1 is not supported."
        )
    return text
