"""The layer analysis of one model: assumptions A1–A3 measured, the error of
``∏ e^(−βH⁽ˡ⁾) ≈ e^(−βΣH⁽ˡ⁾)`` against β and the Trotter number, attention
rollout against the summed softmax, the coupling flow with depth, and a
verdict (seed 000 §4, eq. 6–14, 17).

Every quantity is computed per passage and summarized over passages
(median, quartiles, extremes); nothing here is sampled, so there are no
seeds to average over, only passages.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from isingformer.attention.energies import logit_spread
from isingformer.errors import InputError
from isingformer.layers.capture import LayerStack, capture_layers
from isingformer.layers.operators import (
    bch2_relative,
    boltzmann_sum,
    commutator_norms,
    product_vs_sum,
    relative_error,
    spectral_norm,
    symmetric_part,
    trotter_bound_log10,
    trotter_product,
)
from isingformer.layers.rollout import rollout_tv

__all__ = ["TOLERANCE", "TROTTER_NS", "LayerAnalysis", "analyze_layers", "default_betas"]

TOLERANCE = 0.1  # "a good approximation": relative operator error or rollout TV below this
TROTTER_NS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
_CHUNK = 2**24  # elements of one batched [K, L, N, N] block


def default_betas(beta_model: float, num: int = 32) -> np.ndarray:
    """``num`` log-spaced β from ``1e-6 β_model`` to ``4 β_model``."""
    return beta_model * np.logspace(-6.0, math.log10(4.0), num)


def _check_betas(betas) -> np.ndarray:
    b = np.asarray(betas, dtype=np.float64).reshape(-1)
    if b.size < 2:
        raise InputError("--betas needs at least 2 values")
    if not np.all(np.isfinite(b)) or np.any(b <= 0):
        raise InputError("--betas: every β must be finite and > 0")
    b = np.sort(b)
    if np.any(np.diff(b) == 0):
        raise InputError("--betas: duplicate values")
    return b


def _summary(x) -> dict:
    a = np.asarray(x, dtype=np.float64)
    a = a[np.isfinite(a)]
    if a.size == 0:
        return {
            "median": math.nan,
            "q25": math.nan,
            "q75": math.nan,
            "min": math.nan,
            "max": math.nan,
        }
    q = np.quantile(a, [0.25, 0.5, 0.75])
    return {"median": q[1], "q25": q[0], "q75": q[2], "min": a.min(), "max": a.max()}


def _p10(x):
    """``10**x`` elementwise, ``inf`` beyond float64 range (no overflow warning)."""
    a = np.asarray(x, dtype=np.float64)
    out = np.power(10.0, np.minimum(a, 300.0))
    return np.where(a > 300.0, np.inf, out)


def _chunked(fn, betas: torch.Tensor, L: int, n: int) -> torch.Tensor:
    size = max(1, _CHUNK // max(1, L * n * n))
    return torch.cat([fn(betas[i : i + size]) for i in range(0, len(betas), size)], dim=0)


def _passage(
    H: torch.Tensor, allowed: torch.Tensor, betas: torch.Tensor, scores, with_raw: bool
) -> dict:
    """Every per-passage measurement; ``H [L, n, n]`` raw layer Hamiltonians,
    ``scores [L, H, n, n]`` per-head scores or None."""
    L, n = H.shape[0], H.shape[-1]
    Hs = symmetric_part(H)
    two, fro = commutator_norms(Hs)
    two_raw, _ = commutator_norms(H)
    ev = torch.linalg.eigvalsh(Hs)  # [L, n]
    both = _chunked(lambda b: torch.stack(product_vs_sum(Hs, b), -1), betas, L, n)
    rel, shape = both[..., 0], both[..., 1]
    raw = None
    if with_raw:  # matrix_exp of the non-symmetric matrices: the costly part, so every
        # 4th β of the grid and the last one (β_model); the others stay NaN
        idx = torch.tensor(sorted({*range(0, len(betas) - 1, 4), len(betas) - 1}))
        raw = torch.full_like(betas, math.nan)
        raw[idx] = _chunked(lambda b: product_vs_sum(H, b, symmetric=False)[0], betas[idx], L, n)
    bch = _chunked(lambda b: bch2_relative(Hs, b), betas, L, n)
    S = -H
    tv = torch.stack([rollout_tv(S, float(b), allowed) for b in betas])  # [K, L]
    tv_res = torch.stack([rollout_tv(S, float(b), allowed, residual=True) for b in betas])
    tv_heads = None
    if scores is not None:
        tv_heads = torch.stack(  # float32 scores: TV to ~1e-6
            [rollout_tv(scores, float(b), allowed, per_head=True) for b in betas]
        ).double()
    sig, nk = logit_spread(H, allowed.expand(L, n, n))  # rows of each layer's −S: [L]
    return {
        "comm": two,
        "comm_fro": fro,
        "comm_raw": two_raw,
        "norm": ev.abs().amax(-1),
        "half_spread": 0.5 * (ev[:, -1] - ev[:, 0]),
        "norm_raw": spectral_norm(H),
        "log_rel": rel,
        "shape": shape,
        "log_rel_raw": raw,
        "bch2": bch,
        "tv": tv,
        "tv_residual": tv_res,
        "tv_heads": tv_heads,
        "sigma_sum": sig,
        "n_keys": nk,
    }


def _trotter(H: torch.Tensor, betas: torch.Tensor, ns) -> tuple[np.ndarray, np.ndarray]:
    """log10 relative Trotter errors and bounds ``[len(betas), len(ns)]``."""
    Hs = symmetric_part(H)
    S = boltzmann_sum(Hs, betas)
    err = [relative_error(trotter_product(Hs, betas, n), S)[0] for n in ns]
    bound = [trotter_bound_log10(Hs, betas, n) for n in ns]
    return torch.stack(err, -1).numpy(), torch.stack(bound, -1).numpy()


@dataclass(frozen=True)
class LayerAnalysis:
    """Result of :func:`analyze_layers`; :meth:`to_dict` is the JSON contract."""

    model: str
    source: str
    n_layers: int
    n_heads: int
    n_passages: int
    n_tokens: float
    causal: bool
    beta_model: float
    beta_uniform: bool
    epsilon: dict
    norm_max: float
    a3_product: float
    assumptions: dict
    commutators: list
    layer_norms: list
    errors: list
    at_model: dict
    trotter: dict
    j_eff: dict
    verdict: dict
    config: dict
    seconds: dict
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _valid_up_to(betas: np.ndarray, rel: np.ndarray) -> float | None:
    """Largest β of the grid below which every grid point has rel ≤ TOLERANCE."""
    ok = rel <= TOLERANCE
    if not ok[0]:
        return None
    bad = np.nonzero(~ok)[0]
    return float(betas[-1] if bad.size == 0 else betas[bad[0] - 1])


def _j_eff(stack: LayerStack, sigma_sum: np.ndarray, n_keys: np.ndarray) -> dict:
    """Mean-field couplings per layer in units of the REM freezing point:
    ``J = β σ / sqrt(2 ln N̄)`` (1 = the freezing transition of a softmax over
    N̄ keys with logit spread σ), for each head (median over heads) and for
    the head-summed layer ensemble at β_model."""
    ln = np.sqrt(2 * np.log(np.maximum(stack.n_keys, 2.0)))
    heads = stack.beta_heads * stack.sigma / ln  # [L, H]
    j_heads = np.median(heads, axis=1)
    j_sum = stack.beta_model * sigma_sum / np.sqrt(2 * np.log(np.maximum(n_keys, 2.0)))
    rel = np.abs(np.diff(j_heads)) / np.maximum(np.abs(j_heads[:-1]), 1e-300)
    if rel.size >= 2 and np.all(rel[-2:] < TOLERANCE):
        fixed = (
            f"approaches a fixed point: the last two steps change J by {rel[-2]:.1%}, {rel[-1]:.1%}"
        )
    elif rel.size:
        fixed = (
            f"no fixed point within {stack.n_layers} layers: last step changes J by {rel[-1]:.1%}"
        )
    else:
        fixed = "one layer: no flow"
    star = np.where(np.isfinite(stack.beta_star), stack.beta_star, np.nan)
    with np.errstate(all="ignore"):
        ratio = np.nanmedian(stack.beta_heads / star, axis=1) if np.isfinite(star).any() else None
    return {
        "estimator": "J = β σ / sqrt(2 ln N) (REM units: 1 = freezing point)",
        "heads_median": j_heads.tolist(),
        "heads": heads.tolist(),
        "layer_sum": j_sum.tolist(),
        "relative_steps": rel.tolist(),
        "fixed_point": fixed,
        "beta_over_beta_star": None if ratio is None else ratio.tolist(),
        "beta_star_median": np.nanmedian(star, axis=1).tolist()
        if np.isfinite(star).any()
        else None,
    }


def _verdict(beta_m, L, eps, eps_rel, M, a3, uniform, at_model, valid, tv_model) -> dict:
    b2 = beta_m**2 * L**2 * eps
    a1 = (
        f"{'holds' if b2 <= 1 else 'fails'}: β²L²ε = {b2:.3g} at β_model (eq. 12 needs ≪ 1); "
        f"in relative terms ε/2M² = {eps_rel:.3g} (0 = commuting layers, 1 = the largest "
        "a commutator of two norm-M operators can be)"
    )
    a2 = (
        f"holds only trivially (finite N): M = {M:.4g}, so β_model·M = {beta_m * M:.3g}; "
        "M grows with the passage length, it is no uniform bound"
    )
    if not uniform:
        a3 = f"fails: β is not uniform across heads/layers; β·M·L = {a3:.3g}"
    else:
        a3 = f"{'holds' if a3 <= 1 else 'fails'}: β·M·L = {a3:.3g} at β_model (needs ≲ 1)"
    rel = float(_p10(at_model["log10_product_vs_sum"]))
    where = (
        "at no β of the grid"
        if valid is None
        else f"only up to β = {valid:.3g} = {valid / beta_m:.3g} β_model"
    )
    h = (
        f"{'good' if rel <= TOLERANCE else 'poor'} at β_model: ‖∏e^(−βH) − e^(−βΣH)‖/‖e^(−βΣH)‖ "
        f"= 10^{at_model['log10_product_vs_sum']:.3g}; within {TOLERANCE:g} {where}. "
        f"Attention reading at β_model: rollout vs summed softmax TV = {tv_model:.3g} "
        "(head-summed layers)"
        + (
            ""
            if at_model.get("rollout_tv_heads") is None
            else f", {at_model['rollout_tv_heads']:.3g} for the model's own head-averaged attention"
        )
    )
    return {"a1": a1, "a2": a2, "a3": a3, "h_eff": h}


def analyze_layers(
    model: str | Path | None = None,
    texts: list[str] | None = None,
    *,
    checkpoint: str | Path | None = None,
    random_init: bool = False,
    n_texts: int = 16,
    max_tokens: int = 128,
    betas=None,
    trotter_ns=TROTTER_NS,
    trotter_passages: int = 4,
    critical: bool = True,
    seed: int = 0,
    device: str = "cpu",
    stack: LayerStack | None = None,
) -> LayerAnalysis:
    """Measure A1–A3 and the product-vs-sum error of a model's layer stack.

    Args:
        model, texts, checkpoint, random_init, n_texts, max_tokens: what to
            capture (see :func:`isingformer.layers.capture.capture_layers`).
        betas: β grid (default :func:`default_betas` around the model's β).
        trotter_ns: Trotter numbers n for the ``(∏ e^(−βH/n))^n`` sweep, run
            on the first ``trotter_passages`` passages at β_model and at the
            largest β where the product is still within ``TOLERANCE``; the
            raw (non-symmetric) reading is computed on those passages too.
        critical: also measure every head's β* (marked on the plots).
        stack: an already captured :class:`LayerStack`.
    """
    t0 = time.perf_counter()
    if trotter_passages < 1 or not trotter_ns or min(trotter_ns) < 1:
        raise InputError("Trotter numbers must be >= 1 and trotter_passages >= 1")
    if stack is None:
        stack = capture_layers(
            model,
            texts,
            checkpoint=checkpoint,
            random_init=random_init,
            n_texts=n_texts,
            max_tokens=max_tokens,
            critical=critical,
            seed=seed,
            device=device,
        )
    t1 = time.perf_counter()
    bm, L = stack.beta_model, stack.n_layers
    grid = default_betas(bm) if betas is None else _check_betas(betas)
    all_b = torch.as_tensor(np.append(grid, bm), dtype=torch.float64)
    per = []
    for p, (H, a) in enumerate(zip(stack.hamiltonians, stack.allowed, strict=True)):
        sc = stack.head_scores[p] if p < len(stack.head_scores) else None
        per.append(_passage(H, a, all_b, sc, with_raw=p < trotter_passages))
    t2 = time.perf_counter()

    def cat(key):
        return torch.stack([d[key] for d in per]).numpy()  # [P, ...]

    comm, comm_fro, comm_raw = cat("comm"), cat("comm_fro"), cat("comm_raw")
    norms = cat("norm")  # [P, L]
    eps_p = comm.max(axis=(1, 2))
    M_p = norms.max(axis=1)
    eps_rel_p = eps_p / (2 * M_p**2)
    a3_p = bm * M_p * L
    log_rel, shape = cat("log_rel"), cat("shape")  # [P, K+1]
    raw = torch.stack([d["log_rel_raw"] for d in per if d["log_rel_raw"] is not None]).numpy()
    bch, tv, tv_res = cat("bch2"), cat("tv")[..., -1], cat("tv_residual")[..., -1]
    heads_list = [d["tv_heads"] for d in per if d["tv_heads"] is not None]
    tv_heads = torch.stack(heads_list).numpy()[..., -1] if heads_list else None
    med = lambda x: np.median(x, axis=0)  # noqa: E731
    errors = []
    # ε = 0 (one layer, commuting layers): the BCH ratio and C are 0/0, NaN
    for i, b in enumerate(grid):
        with np.errstate(divide="ignore", invalid="ignore"):
            errors.append(
                {
                    "beta": float(b),
                    "product_vs_sum_rel": float(_p10(med(log_rel)[i])),
                    "product_vs_sum_log10": _summary(log_rel[:, i]),
                    "product_vs_sum_shape": float(med(shape)[i]),
                    "raw_product_vs_sum_log10": float(np.median(raw[:, i])),
                    "bch2_rel": float(med(bch)[i]),
                    "bch2_ratio": _summary(_p10(log_rel[:, i]) / bch[:, i]),
                    "rollout_tv": float(med(tv)[i]),
                    "rollout_tv_residual": float(med(tv_res)[i]),
                    "rollout_tv_heads": None if tv_heads is None else float(med(tv_heads)[i]),
                    "log10_c_eq12": float(
                        med(log_rel)[i] - np.log10(b**2 * L**2 * np.median(eps_p))
                    ),
                }
            )
    rel_grid = _p10(med(log_rel)[:-1])
    valid = _valid_up_to(grid, rel_grid)
    at_model = {
        "beta": bm,
        "log10_product_vs_sum": float(med(log_rel)[-1]),
        "product_vs_sum_log10": _summary(log_rel[:, -1]),
        "product_vs_sum_shape": float(med(shape)[-1]),
        "raw_product_vs_sum_log10": float(med(raw)[-1]),
        "bch2_rel": float(med(bch)[-1]),
        "rollout_tv": float(med(tv)[-1]),
        "rollout_tv_residual": float(med(tv_res)[-1]),
        "rollout_tv_heads": None if tv_heads is None else float(med(tv_heads)[-1]),
        "rollout_tv_heads_summary": None if tv_heads is None else _summary(tv_heads[:, -1]),
        "rollout_tv_by_depth": np.median(cat("tv")[:, -1, :], axis=0).tolist(),
    }

    # Trotter sweep at β_model and at the edge of validity
    t_betas = [bm] + ([valid] if valid is not None and valid < bm else [])
    tb = torch.as_tensor(t_betas, dtype=torch.float64)
    ns = sorted({int(n) for n in trotter_ns})
    errs, bounds = [], []
    for H in stack.hamiltonians[:trotter_passages]:
        e, bd = _trotter(H, tb, ns)
        errs.append(e)
        bounds.append(bd)
    errs, bounds = np.stack(errs), np.stack(bounds)  # [P', KT, n]
    eps_t = eps_p[: len(errs)]
    with np.errstate(divide="ignore"):  # ε = 0 (one layer, commuting layers): C undefined
        scale = np.log10(np.asarray(t_betas)[None, :, None] ** 2 * L**2 * eps_t[:, None, None])
    c_all = errs + np.log10(np.asarray(ns, dtype=np.float64))[None, None, :] - scale
    c_all[~np.isfinite(scale).repeat(c_all.shape[-1], axis=-1)] = math.nan
    c_log = c_all[..., np.asarray(ns) >= 8]
    c1 = np.asarray([e["log10_c_eq12"] for e in errors])
    trotter = {
        "betas": t_betas,
        "ns": ns,
        "n_passages": len(errs),
        "log10_error": np.median(errs, axis=0).tolist(),
        "log10_bound": np.median(bounds, axis=0).tolist(),
        "c_fit": {
            "form": "rel. error = C β² L² ε / n, fitted on n >= 8",
            "log10_c": float(np.median(c_log)) if c_log.size else math.nan,
            "log10_c_range": [float(c_log.min()), float(c_log.max())] if c_log.size else None,
        },
        "eq12_at_n1": {
            "form": "C(β) = rel. error of the product (n = 1) / (β² L² ε) over the β grid",
            "log10_c_range": [float(np.nanmin(c1)), float(np.nanmax(c1))],
        },
    }
    sig = cat("sigma_sum")  # [P, L]
    nk = cat("n_keys")
    j_eff = _j_eff(stack, np.median(sig, axis=0), np.median(nk, axis=0))
    uniform = bool(np.allclose(stack.beta_heads, bm, rtol=1e-9))
    eps = {
        "max": float(eps_p.max()),
        "median": float(np.median(eps_p)),
        "frobenius_max": float(comm_fro.max()),
        "raw_max": float(comm_raw.max()),
        "relative_median": float(np.median(eps_rel_p)),
    }
    assumptions = {
        "epsilon_over_2m2": _summary(eps_rel_p),
        "beta2_l2_epsilon": _summary(bm**2 * L**2 * eps_p),
        "norm_max": _summary(M_p),
        "norm_centred_max": _summary(cat("half_spread").max(axis=1)),
        "raw_norm_max": _summary(cat("norm_raw").max(axis=1)),
        "a3_product": _summary(a3_p),
        "beta_valid": valid,
    }
    verdict = _verdict(
        bm,
        L,
        float(np.median(eps_p)),
        float(np.median(eps_rel_p)),
        float(np.median(M_p)),
        float(np.median(a3_p)),
        uniform,
        at_model,
        valid,
        at_model["rollout_tv"],
    )
    t3 = time.perf_counter()
    config = {
        "n_texts": n_texts,
        "max_tokens": max_tokens,
        "texts": "default sample" if texts is None else "user",
        "betas": [float(b) for b in grid],  # the values ([first, last, count] read as values)
        "trotter_ns": ns,
        "trotter_passages": trotter_passages,
        "random_init": random_init,
        "seed": seed,
        "device": device,
    }
    return LayerAnalysis(
        model=stack.model,
        source=stack.source,
        n_layers=L,
        n_heads=stack.n_heads,
        n_passages=len(stack.hamiltonians),
        n_tokens=float(np.mean([h.shape[-1] for h in stack.hamiltonians])),
        causal=stack.causal,
        beta_model=bm,
        beta_uniform=uniform,
        epsilon=eps,
        norm_max=float(M_p.max()),
        a3_product=float(np.median(a3_p)),
        assumptions=assumptions,
        commutators=np.median(comm, axis=0).tolist(),
        layer_norms=np.median(norms, axis=0).tolist(),
        errors=errors,
        at_model=at_model,
        trotter=trotter,
        j_eff=j_eff,
        verdict=verdict,
        config=config,
        seconds={
            "capture": round(t1 - t0, 3),
            "operators": round(t2 - t1, 3),
            "trotter": round(t3 - t2, 3),
            "total": round(t3 - t0, 3),
        },
        notes=list(stack.notes),
    )
