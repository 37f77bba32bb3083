"""The conjecture of seed 001 §6: the best inverse temperature of hyperbolic
attention scales as ``β_opt ~ 1/(sqrt|κ| · λ)``.

For every cell (κ, b) of a grid — κ the curvature of the attention's Poincaré
ball, b the mean branching of a random tree whose walks are the data (λ = the
tree's measured growth rate) — a small GPT with hyperbolic attention is
trained at each β of a sweep (``fixed`` policy), for several seeds, with the
same budget. Per seed, β_opt is the argmin of the final validation loss over
the β grid (refined by a parabola in log β through the three points around
the minimum); the cell's β_opt is the geometric mean over seeds with a
Student-t interval of the mean log β_opt (n = seeds; none below 3). β* is the
heat-capacity peak of the hyperbolic attention rows (median over heads and
layers) of the model trained at the grid β nearest that seed's β_opt.

Then ``log β = a − p log sqrt|κ| − q log λ`` is fitted by least squares over
the cells whose β_opt is interior to the grid, with Student-t intervals
(n − 3 degrees of freedom) for p and q. The conjecture says p = q = 1:

- *supported*: both intervals contain 1 and exclude 0;
- *rejected*: an interval excludes 1;
- *inconclusive*: otherwise, or fewer than 5 interior cells.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np

from isingformer.errors import InputError
from isingformer.stats import mean_interval
from isingformer.validate import check_int, check_seed

__all__ = ["MODEL", "conjecture_point", "fit_scaling", "run_conjecture", "verdict"]

# the tiny model of the experiment (changeable through ``model=``)
MODEL = dict(
    n_layer=1,
    n_head=2,
    d_model=32,
    context=16,
    batch_size=16,
    lr=1e-2,
    warmup=10,
    eval_batches=4,
)


def conjecture_point(config: dict) -> dict:
    """One training run (a runs-store point): ``config`` has ``curvature``,
    ``branching``, ``depth``, ``beta``, ``seed``, ``steps``, ``tokens``,
    ``model``. Returns the final validation loss and β* of the trained model."""
    import torch

    from isingformer.attention.energies import measure_critical_beta
    from isingformer.hyperbolic.trees import tree_data
    from isingformer.lm.checkpoint import load_checkpoint
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.train import build_model, train

    form = config.get("form", "euler")
    data, _ = tree_data(config["branching"], config["depth"], config["tokens"], seed=0, form=form)
    cfg = TrainConfig(
        corpus=f"tree-b{config['branching']}-D{config['depth']}",
        attention="hyperbolic",
        curvature=config["curvature"],
        policy="fixed",
        policy_kwargs={"beta": config["beta"]},
        steps=config["steps"],
        eval_every=config["steps"],
        seed=config["seed"],
        **config["model"],
    )
    with tempfile.TemporaryDirectory() as tmp:  # β* needs the trained weights
        result = train(cfg, out=tmp, data=data)
        model = build_model(cfg, data.vocab_size)
        model.load_state_dict(load_checkpoint(Path(tmp) / "checkpoint.pt")["model"])
    model.eval()
    g = torch.Generator().manual_seed(10_000 + config["seed"])
    start = torch.randint(0, len(data.val) - cfg.context - 1, (16,), generator=g)
    x = torch.stack(
        [torch.from_numpy(data.val[s : s + cfg.context].astype(np.int64)) for s in start]
    )
    stars = []
    with torch.no_grad():
        for layer in model.attention_layers():
            layer.capture = True
            model(x)
            layer.capture = False
            crit = measure_critical_beta(
                layer.last_q, layer.last_k, causal=True, n_boot=10, max_rows=256, seed=0
            )
            stars += [float(b) for b in crit.beta if math.isfinite(float(b))]
    return {
        "val_loss": result.final_val_loss,
        "beta_critical": float(np.median(stars)) if stars else float("nan"),
        "train_seconds": result.train_seconds,
    }


def _argmin_log(betas: np.ndarray, losses: np.ndarray) -> tuple[float, bool]:
    """β at the minimum of ``losses`` over ``betas`` (parabola in log β through
    the three points around the grid minimum), and whether it is at an edge."""
    i = int(np.nanargmin(losses))
    if i == 0 or i == len(betas) - 1:
        return float(betas[i]), True
    x = np.log(betas[i - 1 : i + 2])
    y = losses[i - 1 : i + 2]
    a, b, _ = np.polyfit(x, y, 2)
    if not a > 0:
        return float(betas[i]), False
    return float(np.exp(np.clip(-b / (2 * a), x[0], x[2]))), False


def fit_scaling(curvatures, lambdas, betas, sigmas=None) -> dict | None:
    """Least squares ``log β = a − p log sqrt|κ| − q log λ`` over the cells
    (each argument ``[n]``). Returns ``p, p_ci, q, q_ci, a, r2, residuals, n``
    (95 % Student-t intervals, n − 3 dof) or None when n < 5.

    ``sigmas`` (optional, ``[n]``): each cell's standard error of log β (from
    its seeds). The fit is then weighted least squares with weights 1/σ̃²,
    σ̃² = (σ² + median σ²)/2 (each σ² shrunk halfway to the median: 3–5
    seeds estimate σ so poorly that a cell whose seeds happen to agree would
    take the fit), and the intervals use the HC3 sandwich standard errors,
    which stay honest when the weights are wrong and widen when the cells
    scatter beyond their own errors. (The former weights 1/σ², σ floored at
    half the median, with the model residual scale, covered p = 1 in 82.5 %
    of 400 synthetic 20-cell draws with σ from 3 seeds;
    ``tests/stats/test_coverage_hyperbolic.py``.) Without ``sigmas`` (or if
    any is missing or not finite): ordinary least squares with the model
    residual scale (exact for equal normal cell errors)."""
    from scipy import stats

    k = np.asarray(curvatures, dtype=float)
    lam = np.asarray(lambdas, dtype=float)
    y = np.log(np.asarray(betas, dtype=float))
    n = len(y)
    if n < 5:
        return None
    X = np.column_stack([np.ones(n), -np.log(np.sqrt(np.abs(k))), -np.log(lam)])
    if np.linalg.matrix_rank(X) < 3:
        return None
    w = np.ones(n)
    weighted = False
    method = "OLS on log β, 95 % Student-t intervals (n − 3 dof)"
    if sigmas is not None:
        sig = np.array([np.nan if v is None else v for v in sigmas], dtype=float)
        if len(sig) == n and np.isfinite(sig).all() and (sig > 0).any():
            var = sig**2
            w = 2.0 / (var + float(np.median(var[var > 0])))
            weighted = True
            method = (
                "WLS on log β, weights 1/σ̃², σ̃² = (σ² + median σ²)/2 (σ: each cell's "
                "standard error of the mean log β over its seeds), 95 % Student-t "
                "intervals (n − 3 dof) with HC3 sandwich standard errors"
            )
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)
    resid = y - X @ coef
    dof = n - 3
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    if weighted:  # HC3: each cell's own squared residual, inflated by its leverage
        xw = X * sw[:, None]
        lev = np.einsum("ij,jk,ik->i", xw, bread, xw)
        u = np.where(lev < 1.0 - 1e-9, (w * resid) ** 2 / np.clip(1.0 - lev, 1e-9, None) ** 2, 0.0)
        se = np.sqrt(np.diag(bread @ (X.T @ (X * u[:, None])) @ bread))
    else:
        s2 = float((w * resid**2).sum()) / dof
        se = np.sqrt(np.diag(s2 * bread))
    t = float(stats.t.ppf(0.975, dof))
    ybar = float((w * y).sum() / w.sum())
    tss = float((w * (y - ybar) ** 2).sum())
    return {
        "a": float(coef[0]),
        "p": float(coef[1]),
        "p_ci": [float(coef[1] - t * se[1]), float(coef[1] + t * se[1])],
        "q": float(coef[2]),
        "q_ci": [float(coef[2] - t * se[2]), float(coef[2] + t * se[2])],
        "r2": 1.0 - float((w * resid**2).sum()) / tss if tss > 0 else float("nan"),
        "residuals": [float(r) for r in resid],
        "n": n,
        "method": method,
    }


def verdict(fit: dict | None) -> str:
    """``supported`` / ``rejected`` / ``inconclusive`` for p = q = 1 (see the module doc)."""
    if fit is None:
        return "inconclusive"
    cis = [fit["p_ci"], fit["q_ci"]]
    if any(not lo <= 1.0 <= hi for lo, hi in cis):
        return "rejected"
    if all(not lo <= 0.0 <= hi for lo, hi in cis):
        return "supported"
    return "inconclusive"


def _resolution(betas: np.ndarray, loss: np.ndarray, opts: list[float], edges: list[bool]):
    """Sums over the seeds whose β_opt is an unrefined interior grid point (the
    parabola failed: a non-finite neighbour loss, or three equal losses) of the
    log grid step below and above it, and their count. Such a seed's minimum
    lies between the grid's neighbours of its point (for a unimodal loss), so
    its log β_opt is off by at most one step each way."""
    x = np.log(betas)
    down = up = 0.0
    k = 0
    for s, (b, edge) in enumerate(zip(opts, edges, strict=True)):
        i = int(np.nanargmin(loss[s]))
        if not edge and b == betas[i]:
            down, up, k = down + x[i] - x[i - 1], up + x[i + 1] - x[i], k + 1
    return down, up, k


def _cell_summary(betas: np.ndarray, loss: np.ndarray, star: np.ndarray) -> dict:
    """``loss, star``: ``[seeds, n_beta]`` → the cell's β_opt and β* summaries."""
    opts, edges, stars = [], [], []
    for s in range(loss.shape[0]):
        b, edge = _argmin_log(betas, loss[s])
        opts.append(b)
        edges.append(edge)
        stars.append(star[s, int(np.argmin(np.abs(np.log(betas) - math.log(b))))])
    lo = mean_interval(np.log(opts))
    down, up, unrefined = _resolution(betas, loss, opts, edges)
    opt_ci = None if lo.ci is None else (lo.ci[0] - down / lo.n, lo.ci[1] + up / lo.n)
    ok = [math.log(v) for v in stars if math.isfinite(v) and v > 0]
    st = mean_interval(ok) if ok else None
    tied = st is not None and st.ci is not None and st.ci[0] == st.ci[1]  # no spread seen

    def log_se(iv) -> float | None:  # standard error of the mean log β (n >= 3)
        return None if iv is None or iv.n < 3 else float(np.std(iv.values, ddof=1) / iv.n**0.5)

    censored = sum(edges) * 2 > len(edges)  # most seeds' minimum on the grid's edge
    return {
        "beta_opt": {
            "value": math.exp(lo.mean),
            "ci": None if opt_ci is None or censored else [math.exp(c) for c in opt_ci],
            "per_seed": opts,
            "n": lo.n,
            "unrefined": unrefined,
            "log_se": log_se(lo),
            "method": "censored: most seeds' minimum at the grid edge, values are bounds, "
            "no interval"
            if censored
            else "geometric mean over seeds, 95 % Student-t interval of mean log β_opt"
            + (
                f", widened by the grid resolution ({unrefined} seed(s) at an unrefined grid "
                "point: each end moved by the sum of their log grid steps / n)"
                if unrefined and opt_ci is not None
                else ""
            ),
        },
        "at_edge": censored,
        "beta_critical": {
            "value": math.exp(st.mean) if st else float("nan"),
            "ci": None if st is None or st.ci is None or tied else [math.exp(c) for c in st.ci],
            "per_seed": [float(v) for v in stars],
            "n": 0 if st is None else st.n,
            "log_se": log_se(st),
            "method": "all seeds' β* equal: no spread to estimate, no interval"
            if tied
            else "geometric mean over seeds, 95 % Student-t interval of mean log β*",
        },
        "loss_mean": [float(v) for v in loss.mean(axis=0)],
    }


def run_conjecture(
    curvatures: list[float],
    branchings: list[int],
    betas: list[float],
    *,
    seeds: int = 3,
    seed: int = 0,
    steps: int = 60,
    depth: int = 2,
    tokens: int = 20_000,
    form: str = "euler",
    model: dict | None = None,
    store=None,
    executor: str = "process",
    workers: int | None = None,
    dask_address: str | None = None,
    progress: bool = False,
) -> dict:
    """The conjecture experiment (see the module doc); sweep ``hyperbolic.conjecture``.

    Args:
        curvatures: κ values, each < 0. branchings: b values, each >= 2.
        betas: the β sweep (> 0, at least 3 values). seeds: count K.

    Returns:
        ``{"cells": [...], "fit", "fit_critical", "verdict", "verdict_critical",
        "lambdas", "betas", "config"}``; each cell has ``curvature``, ``lambda``,
        ``branching``, ``beta_opt`` {``value``, ``ci``}, ``beta_critical``,
        ``at_edge`` and the seed-mean ``loss_mean`` per β.
    """
    from isingformer.hyperbolic.trees import tree_data, tree_stats
    from isingformer.runs import run_sweep

    if not curvatures or not branchings:
        raise InputError("--curvatures and --branching need at least one value each")
    check_int(seeds, "seeds", ge=1)
    check_seed(seed)
    if any(not (math.isfinite(k) and k < 0) for k in curvatures):
        raise InputError(f"--curvatures: every κ must be < 0, got {curvatures}")
    if any(int(b) < 2 for b in branchings):
        raise InputError(f"--branching: every value must be >= 2, got {branchings}")
    if len(betas) < 3 or any(not (math.isfinite(b) and b > 0) for b in betas):
        raise InputError("--betas: give at least 3 values, each > 0")
    mdl = {**MODEL, **(model or {})}
    lambdas = {}
    trees = {}
    for b in branchings:
        data, tree = tree_data(int(b), depth, tokens, seed=0, form=form)
        st = tree_stats(tree, data.train)
        lambdas[int(b)] = st.growth_rate
        trees[int(b)] = st.to_dict()
    configs = [
        {
            "curvature": float(k),
            "branching": int(b),
            "depth": depth,
            "beta": float(beta),
            "seed": seed + s,
            "steps": steps,
            "tokens": tokens,
            "form": form,
            "model": mdl,
        }
        for k in curvatures
        for b in branchings
        for beta in betas
        for s in range(seeds)
    ]
    results = run_sweep(
        conjecture_point,
        configs,
        sweep="hyperbolic.conjecture",
        store=store,
        executor=executor,
        max_workers=workers,
        progress=progress,
        dask_address=dask_address,
    )
    by = {
        (c["curvature"], c["branching"], c["beta"], c["seed"]): r
        for c, r in zip(configs, results, strict=True)
    }
    grid = np.asarray(sorted(float(b) for b in betas))
    cells = []
    for k in curvatures:
        for b in branchings:
            loss = np.array(
                [
                    [by[(float(k), int(b), g, seed + s)]["val_loss"] for g in grid]
                    for s in range(seeds)
                ]
            )
            star = np.array(
                [
                    [by[(float(k), int(b), g, seed + s)]["beta_critical"] for g in grid]
                    for s in range(seeds)
                ]
            )
            cell = {"curvature": float(k), "branching": int(b), "lambda": lambdas[int(b)]}
            cell.update(_cell_summary(grid, loss, star))
            cells.append(cell)
    inner = [c for c in cells if not c["at_edge"]]
    fit = fit_scaling(
        [c["curvature"] for c in inner],
        [c["lambda"] for c in inner],
        [c["beta_opt"]["value"] for c in inner],
        [c["beta_opt"]["log_se"] for c in inner],
    )
    crit = [c for c in cells if math.isfinite(c["beta_critical"]["value"])]
    fit_c = fit_scaling(
        [c["curvature"] for c in crit],
        [c["lambda"] for c in crit],
        [c["beta_critical"]["value"] for c in crit],
        [c["beta_critical"]["log_se"] for c in crit],
    )
    return {
        "cells": cells,
        "fit": fit,
        "verdict": verdict(fit),
        "fit_critical": fit_c,
        "verdict_critical": verdict(fit_c),
        "n_interior": len(inner),
        "lambdas": trees,
        "betas": grid.tolist(),
        "config": {
            "curvatures": [float(k) for k in curvatures],
            "branchings": [int(b) for b in branchings],
            "seeds": list(range(seed, seed + seeds)),  # the seed values (docs/cli.md)
            "n_seeds": seeds,
            "seed": seed,
            "steps": steps,
            "depth": depth,
            "tokens": tokens,
            "form": form,
            "model": mdl,
            "lambda_estimator": "growth rate (N_D / N_0)^(1/D) of the tree",
        },
    }
