"""``icl.sweep``: the task-diversity sweep through the runs store, its
per-seed thresholds and their intervals.

One point is one (dimension, pool size k, seed): a pool of k tasks, a model
pretrained on it, and its errors on the pool's tasks (in distribution) and on
fresh tasks (out of distribution), its distance to the two Bayes baselines,
and (linear model) the replica overlap of its Gibbs measure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from isingformer.errors import InputError
from isingformer.icl.task import (
    IclTask,
    make_pool,
    pool_posterior_predict,
    ridge_predict,
    sample_batch,
)
from isingformer.validate import check_int, check_seed

__all__ = ["MODELS", "crossing", "icl_point", "icl_sweep", "parse_tasks"]

MODELS = ("linear", "softmax")
MAX_TASKS = 1_000_000
MAX_POOL_ENTRIES = 1 << 22  # k·d²: the pool posterior's work per sequence
OVERLAP_BINS = 101


def parse_tasks(text: str) -> list[int | None]:
    """``"4,16,64,inf"`` → ``[4, 16, 64, None]`` (None = a fresh task per
    sequence), sorted, without duplicates."""
    out: list[int | None] = []
    for tok in (t.strip() for t in text.split(",")):
        if not tok:
            continue
        if tok.lower() in ("inf", "infinity", "∞"):
            out.append(None)
            continue
        try:
            k = int(tok)
        except ValueError:
            raise InputError(
                f"--tasks: expected positive integers or 'inf' separated by commas, got {tok!r}"
            ) from None
        if not 1 <= k <= MAX_TASKS:
            raise InputError(f"--tasks: every pool size must be in 1..{MAX_TASKS} or inf, got {k}")
        out.append(k)
    if not out:
        raise InputError("--tasks: the list is empty; give e.g. 4,16,64,inf")
    if len(set(out)) != len(out):
        raise InputError("--tasks: the list has duplicates; give each pool size once")
    finite = sorted(k for k in out if k is not None)
    return finite + ([None] if None in out else [])


def _errors_and_distances(task, pred_fn, pool, rng, n_eval) -> dict:
    """MC errors of a predictor ``batch -> [n]`` and its distance to the
    baselines on ``n_eval`` fresh-task sequences (and pool-task ones)."""
    ood = sample_batch(task, n_eval, rng, None)
    pm, pr = pred_fn(ood), ridge_predict(task, ood)
    res = {
        "ood_error_mc": float(np.mean((pm - ood.yq) ** 2)),
        "ridge_ood_error": float(np.mean((pr - ood.yq) ** 2)),
        "dist_to_ridge": float(np.mean((pm - pr) ** 2)),
        "dist_to_pool": None,
        "pool_ood_error": None,
    }
    if pool is not None:
        pp = pool_posterior_predict(task, ood, pool)
        res["dist_to_pool"] = float(np.mean((pm - pp) ** 2))
        res["pool_ood_error"] = float(np.mean((pp - ood.yq) ** 2))
        idb = sample_batch(task, n_eval, rng, pool)
        res["id_error_mc"] = float(np.mean((pred_fn(idb) - idb.yq) ** 2))
        res["pool_id_error"] = float(
            np.mean((pool_posterior_predict(task, idb, pool) - idb.yq) ** 2)
        )
        res["ridge_id_error"] = float(np.mean((ridge_predict(task, idb) - idb.yq) ** 2))
    else:
        res["id_error_mc"] = res["ood_error_mc"]
    return res


def icl_point(config: dict) -> dict:
    """One sweep point (top-level, picklable). ``config`` keys: ``dim``,
    ``context``, ``noise``, ``tasks`` (int or None = ∞), ``seed``, ``model``,
    ``pretrain`` (τ = n/d², None = ∞ for the linear model), ``ridge``,
    ``beta``, ``pairs``, ``n_eval``, and for the softmax model ``steps``."""
    from isingformer.icl.linear import (
        exact_error,
        fit_closed_form,
        gibbs_overlaps,
        linear_predict,
        population_gamma,
    )

    task = IclTask(int(config["dim"]), int(config["context"]), float(config["noise"]))
    k = config["tasks"]
    rng = np.random.default_rng(
        [int(config["seed"]), task.dim, task.context, 0 if k is None else int(k)]
    )
    pool = None if k is None else make_pool(task, int(k), rng)
    if config["model"] == "softmax":
        return _softmax_point(task, pool, rng, config)
    tau = config["pretrain"]
    if tau is None:
        gamma = population_gamma(task, pool, float(config["ridge"]))
        train = None
    else:
        n = max(1, round(float(tau) * task.dim**2))
        train = sample_batch(task, n, rng, pool)
        gamma = fit_closed_form(train, float(config["ridge"]))
    out = _errors_and_distances(
        task, lambda b: linear_predict(gamma, b), pool, rng, int(config["n_eval"])
    )
    out["ood_error"] = exact_error(task, gamma, None)
    out["id_error"] = exact_error(task, gamma, pool)
    if train is not None and int(config["pairs"]) > 0:
        q = gibbs_overlaps(
            train,
            gamma,
            beta=float(config["beta"]),
            ridge=float(config["ridge"]),
            pairs=int(config["pairs"]),
            rng=rng,
        )
        out["overlap"] = float(q.mean())
        out["overlap_hist"] = np.histogram(q, bins=OVERLAP_BINS, range=(-1.0, 1.0))[0].tolist()
    else:
        out["overlap"] = None
        out["overlap_hist"] = None
    return out


def _softmax_point(task: IclTask, pool, rng: np.random.Generator, config: dict) -> dict:
    """A softmax-model point; with ``pairs`` > 0 also a second replica (same
    training data, independent initial weights) and the overlap of the two
    replicas' effective readouts (:func:`effective_gamma` on fresh tasks)."""
    from isingformer.icl.linear import effective_gamma, linear_predict, replica_overlap
    from isingformer.icl.softmax import train_softmax

    data_seed, init_a, init_b = (int(v) for v in rng.integers(2**62, size=3))
    steps = int(config["steps"])
    trained = train_softmax(
        task, pool, np.random.default_rng(data_seed), steps=steps, init_seed=init_a
    )
    out = _errors_and_distances(task, trained.predict, pool, rng, int(config["n_eval"]))
    out.update(ood_error=out["ood_error_mc"], id_error=out["id_error_mc"], **trained.summary())
    out["overlap"] = out["overlap_hist"] = out["linear_r2"] = out["prediction_overlap"] = None
    if int(config["pairs"]) > 0:
        replica = train_softmax(
            task,
            pool,
            np.random.default_rng(data_seed),
            steps=steps,
            init_seed=init_b,
            critical=False,
        )
        proj = sample_batch(task, 16 * task.dim**2, rng, None)
        pred = trained.predict(proj)
        gamma_a = effective_gamma(proj, pred, float(config["ridge"]))
        pred_b = replica.predict(proj)
        gamma_b = effective_gamma(proj, pred_b, float(config["ridge"]))
        q = replica_overlap(gamma_a, gamma_b)
        out["prediction_overlap"] = replica_overlap(pred, pred_b)
        out["overlap"] = q
        out["overlap_hist"] = np.histogram([q], bins=OVERLAP_BINS, range=(-1.0, 1.0))[0].tolist()
        resid = pred - linear_predict(gamma_a, proj)
        out["linear_r2"] = float(1.0 - np.mean(resid**2) / np.var(pred))
    return out


def crossing(ks: Sequence[float], values: Sequence[float], level: float) -> float:
    """First ``k`` where the decreasing curve ``values(k)`` crosses ``level``,
    interpolated linearly in ``log k``; NaN when not bracketed."""
    ks = np.asarray(ks, dtype=float)
    v = np.asarray(values, dtype=float)
    for i in range(len(ks) - 1):
        a, b = v[i] - level, v[i + 1] - level
        if a >= 0 > b or (a > 0 >= b):
            t = a / (a - b)
            return float(math.exp((1 - t) * math.log(ks[i]) + t * math.log(ks[i + 1])))
    return float("nan")


_NON_NEGATIVE = frozenset(
    {"ood_error", "id_error", "dist_to_ridge", "dist_to_pool"}
    | {"ridge_ood_error", "pool_ood_error", "pool_id_error"}
)


def _interval(values: Sequence[float], non_negative: bool = False) -> dict:
    """Mean and 95 % Student-t interval over seeds; for a quantity that cannot
    be negative (an error, a squared distance) the interval's lower end is
    clipped at 0 (``clipped_at_zero``): the true value lies in the clipped
    interval whenever it lies in the raw one, so coverage is unchanged."""
    from isingformer.stats import mean_interval

    v = [float(x) for x in values if x is not None and math.isfinite(x)]
    if not v:
        return {
            "mean": None,
            "ci": None,
            "n": 0,
            "method": "Student t",
            "level": 0.95,
            "values": [],
        }
    iv = mean_interval(v)
    ci = iv.ci
    clipped = bool(non_negative and ci is not None and ci[0] < 0.0)
    if clipped:
        ci = (0.0, ci[1])
    return {
        "mean": iv.mean,
        "ci": ci,
        "clipped_at_zero": clipped,
        "n": iv.n,
        "method": iv.method,
        "level": iv.level,  # the interval's confidence level (the JSON stated none)
        "values": list(v),
    }


def _log_interval(values: Sequence[float]) -> dict:
    """Geometric mean and the exponentiated Student-t interval of ``log k*``."""
    v = [float(x) for x in values if x is not None and math.isfinite(x) and x > 0]
    res = _interval([math.log(x) for x in v])
    if res["mean"] is None:
        empty = {"value": None, "ci": None, "n": 0, "values": []}
        return {**empty, "method": res["method"], "level": res["level"]}
    ci = None if res["ci"] is None else [math.exp(c) for c in res["ci"]]
    return {
        "value": math.exp(res["mean"]),
        "ci": ci,
        "n": res["n"],
        "method": "Student t on log k* (geometric mean)",
        "level": res["level"],
        "values": v,
    }


def _seed_thresholds(task: IclTask, tasks: list[int | None], rows: list[dict]) -> dict:
    """``k*`` of one seed from the OOD error (midpoint rule) and from the
    baseline distances (where the model is as close to ridge as to the pool)."""
    finite = [k for k in tasks if k is not None]
    errs = [r["ood_error"] for k, r in zip(tasks, rows, strict=True) if k is not None]
    ref = rows[-1]["ood_error"]  # the largest k (∞ when listed)
    level = 0.5 * (task.null_error + ref)
    logratio = [
        math.log(r["dist_to_ridge"] / r["dist_to_pool"])
        for k, r in zip(tasks, rows, strict=True)
        if k is not None and r["dist_to_pool"] and r["dist_to_ridge"]
    ]
    k_base = crossing(finite, logratio, 0.0) if len(logratio) == len(finite) else float("nan")
    return {"ood": crossing(finite, errs, level), "baselines": k_base}


def context_length(d: int, context: int | None, context_ratio: float | None) -> int:
    """The context length ℓ at dimension ``d``: ``context`` if given, else
    ``max(1, round(context_ratio · d))``."""
    return int(context) if context is not None else max(1, round(float(context_ratio) * d))


def icl_sweep(
    dims: Sequence[int],
    context: int | None,
    tasks: list[int | None],
    *,
    seeds: int = 3,
    seed: int = 0,
    model: str = "linear",
    noise: float = 0.5,
    context_ratio: float | None = None,
    pretrain: float | None = 16.0,
    ridge: float = 1e-4,
    beta: float = 1.0,
    pairs: int = 200,
    n_eval: int = 2000,
    steps: int = 300,
    store=None,
    executor: str = "serial",
    progress: bool = False,
    dask_address: str | None = None,
) -> dict:
    """The task-diversity sweep at each dimension in ``dims``.

    Args:
        dims: token dimensions d.
        context: context length ℓ, or None with ``context_ratio`` (ℓ = α d).
        tasks: pool sizes (None = ∞), ascending, ∞ last.
        seeds: independent pools and trainings per (d, k).
        pretrain: τ = n/d² pretraining sequences (None: τ = ∞, linear only).
        beta: inverse temperature of the Gibbs measure over Γ (overlaps).
        pairs: replica pairs per point (linear: Gibbs samples; softmax: > 0
            trains one second replica on the same data from another
            initialisation, and ``overlap`` is that of the two replicas'
            effective readouts).

    Returns:
        ``{"dims": {d: {...}}, ...}``; each dimension holds ``points`` (per k:
        ``ood_error``/``id_error``/``dist_to_*``/``overlap`` with mean and
        Student-t CI over seeds), ``threshold`` (k* from the OOD error),
        ``threshold_baselines`` and ``theory_threshold`` (linear model).
        For a single dimension its entries are also at the top level.
    """
    from isingformer.icl.theory import theory_ood_error, theory_threshold
    from isingformer.runs import run_sweep

    if model not in MODELS:
        raise InputError(f"--model: use one of {', '.join(MODELS)}, got {model!r}")
    if seeds < 1:
        raise InputError(f"--seeds: the number of seeds must be >= 1, got {seeds}")
    if len(dims) == 0:
        raise InputError("dims: give at least one token dimension")
    check_seed(seed)
    check_int(pairs, "pairs", ge=0)
    check_int(n_eval, "n_eval", ge=1)
    check_int(steps, "steps", ge=1)
    if model == "softmax" and pretrain is None:
        raise InputError("--pretrain inf is only available for --model linear")
    if len([k for k in tasks if k is not None]) < 2:
        raise InputError("--tasks: give at least two finite pool sizes to locate a threshold")
    largest = max(k for k in tasks if k is not None)
    if largest * max(dims) ** 2 > MAX_POOL_ENTRIES:
        raise InputError(
            f"--tasks: a pool of {largest} tasks at d = {max(dims)} exceeds the ceiling "
            f"k·d² <= {MAX_POOL_ENTRIES} (pool posterior cost); use fewer tasks or inf"
        )
    result: dict = {
        "model": model,
        "noise": noise,
        "seeds": list(range(seed, seed + seeds)),  # the seed values (docs/cli.md)
        "n_seeds": seeds,
        "pretrain": pretrain,
        "beta": beta,
        "seed": seed,  # the first of the seeds
        "ridge": ridge,
        "pairs": pairs,
        "n_eval": n_eval,
        **({"steps": steps} if model == "softmax" else {}),
        "dims": {},
    }
    for d in dims:
        task = IclTask(int(d), context_length(d, context, context_ratio), float(noise))
        configs = [
            {
                "dim": task.dim,
                "context": task.context,
                "noise": task.noise,
                "tasks": k,
                "seed": seed + s,
                "model": model,
                "pretrain": pretrain,
                "ridge": ridge,
                "beta": beta,
                "pairs": pairs,
                "n_eval": n_eval,
                **({"steps": steps} if model == "softmax" else {}),
            }
            for s in range(seeds)
            for k in tasks
        ]
        rows = run_sweep(
            icl_point,
            configs,
            sweep="icl.sweep",
            store=store,
            executor=executor,
            progress=progress,
            dask_address=dask_address,
        )
        per_seed = [rows[s * len(tasks) : (s + 1) * len(tasks)] for s in range(seeds)]
        alpha = task.context / task.dim
        points = []
        for j, k in enumerate(tasks):
            col = [per_seed[s][j] for s in range(seeds)]
            pt: dict = {"tasks": "inf" if k is None else k}
            for key in (
                "ood_error",
                "id_error",
                "dist_to_ridge",
                "dist_to_pool",
                "overlap",
                "linear_r2",
                "prediction_overlap",
                "ridge_ood_error",
                "pool_ood_error",
                "pool_id_error",
            ):
                vals = [r.get(key) for r in col]
                pt[key] = (
                    None
                    if all(v is None for v in vals)
                    else _interval(vals, non_negative=key in _NON_NEGATIVE)
                )
            if model == "linear":
                kappa = math.inf if k is None else k / task.dim
                pt["theory_ood_error"] = theory_ood_error(kappa, alpha, task.noise)
            hists = [r.get("overlap_hist") for r in col if r.get("overlap_hist")]
            pt["overlap_hist"] = np.sum(hists, axis=0).tolist() if hists else None
            if model == "softmax":
                pt["beta_over_critical"] = _interval([r.get("beta_over_critical") for r in col])
            points.append(pt)
        ths = [_seed_thresholds(task, tasks, per_seed[s]) for s in range(seeds)]
        entry = {
            "dim": task.dim,
            "context": task.context,
            "points": points,
            "threshold": _log_interval([t["ood"] for t in ths]),
            "threshold_baselines": _log_interval([t["baselines"] for t in ths]),
            "theory_threshold": (
                theory_threshold(alpha, task.noise) * task.dim if model == "linear" else None
            ),
        }
        result["dims"][str(task.dim)] = entry
    if len(dims) == 1:
        result.update(result["dims"][str(int(dims[0]))])
    return result
