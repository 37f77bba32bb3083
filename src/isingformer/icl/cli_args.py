"""Checks of the ``icl sweep`` options (one clear line per bad value)."""

from __future__ import annotations

import math

from isingformer.errors import InputError
from isingformer.icl.sweep import MODELS, context_length, parse_tasks

__all__ = ["parse_sweep_args"]

MAX_DIM = 64
MAX_CONTEXT = 4096
MAX_SEEDS = 64
MAX_PAIRS = 100_000
MAX_SAMPLES = 100_000
MAX_STEPS = 1_000_000
MAX_TRAIN_DIM = 32
MAX_SEQUENCES = 1 << 18
MIN_RIDGE_UNDERDETERMINED = 1e-8  # below, Cholesky of a singular A + λ fails


def _count(value: int, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(f"--{name}: must be an integer in {lo}..{hi}, got {value}")
    return value


def _dims(dim: int, dims: str | None) -> list[int]:
    if dims is None:
        return [_count(dim, "dim", 1, MAX_DIM)]
    if ":" in dims:  # the grammar's grid START:STOP:NUM
        parts = dims.split(":")
        try:
            start, stop, num = int(parts[0]), int(parts[1]), int(parts[2])
        except (ValueError, IndexError):
            raise InputError(f"--dims: expected START:STOP:NUM or a list, got {dims!r}") from None
        if len(parts) != 3 or num < 1 or (num > 1 and (stop - start) % (num - 1)):
            raise InputError(f"--dims: {dims!r} is not an integer grid; e.g. 8:32:4")
        step = (stop - start) // (num - 1) if num > 1 else 0
        dims = ",".join(str(start + i * step) for i in range(num))
    out = []
    for tok in (t.strip() for t in dims.split(",")):
        if not tok:
            continue
        try:
            value = int(tok)
        except ValueError:
            raise InputError(f"--dims: expected comma-separated integers, got {tok!r}") from None
        out.append(_count(value, "dims", 1, MAX_DIM))
    if not out:
        raise InputError("--dims: the list is empty; give e.g. 8,16")
    if len(set(out)) != len(out):
        raise InputError("--dims: the list has duplicates")
    return sorted(out)


def _check_batch_memory(
    dims: list[int],
    ells: list[int],
    tau: float | None,
    model: str,
    samples: int,
    tasks: list[int | None],
) -> None:
    """Refuse a point whose largest batch of sequences (evaluation, pretraining
    or the softmax projection set; ``[n, ℓ, d]`` float64 tokens, about three
    such arrays alive at once), or the pool posterior's ``[samples, k]``
    weights, would not fit in memory."""
    from isingformer.validate import check_memory

    worst, what = 0.0, ""
    k_max = max((k for k in tasks if k is not None), default=0)
    for d, ell in zip(dims, ells, strict=True):
        n = max(samples, 0 if tau is None else round(tau * d * d))
        n = max(n, 16 * d * d if model == "softmax" else 0)
        nbytes = 3.0 * 8 * n * ell * (d + 2)
        if nbytes > worst:
            worst, what = nbytes, f"--samples/--pretrain/--context: {n} sequences of ℓ = {ell}"
            what += f" tokens at d = {d}"
    if 8.0 * samples * k_max > worst:
        worst, what = 8.0 * samples * k_max, f"--samples {samples} x --tasks {k_max} (pool weights)"
    check_memory(worst, what)


def _check_sweep_work(
    dims: list[int],
    ells: list[int],
    tau: float | None,
    samples: int,
    tasks: list[int | None],
    seeds: int,
) -> None:
    """Refuse a sweep whose multiply-adds exceed the work ceiling: per point,
    the ridge and pool-posterior baselines on ``2 samples`` sequences
    (ℓd² + d³ and k d² each) and the linear model's normal equations
    (τd² sequences x (ℓd + p²), p = d(d+1)/2)."""
    from isingformer.validate import check_work

    work = 0.0
    for d, ell in zip(dims, ells, strict=True):
        train = 0.0 if tau is None else tau * d * d * (ell * d + (d * (d + 1) / 2) ** 2)
        for k in tasks:
            work += seeds * (2.0 * samples * (ell * d * d + d**3 + (k or 0) * d * d) + train)
    check_work(work, None, f"--samples {samples} x --tasks x --dims x --seeds {seeds}")


def parse_sweep_args(
    *,
    dim: int,
    dims: str | None,
    context: int | None,
    context_ratio: float,
    tasks: str,
    seeds: int,
    model: str,
    noise: float,
    pretrain: str,
    ridge: float,
    beta: float,
    pairs: int,
    samples: int,
    steps: int,
    executor: str,
) -> dict:
    """Validated keyword arguments of :func:`isingformer.icl.icl_sweep`."""
    from isingformer.runs import EXECUTORS

    if context is not None:
        _count(context, "context", 1, MAX_CONTEXT)
    elif not (math.isfinite(context_ratio) and context_ratio > 0):
        raise InputError(f"--context-ratio: must be finite and > 0, got {context_ratio}")
    if model not in MODELS:
        raise InputError(f"--model: use one of {', '.join(MODELS)}, got {model!r}")
    if not (math.isfinite(noise) and noise > 0):
        raise InputError(f"--noise: the label noise σ must be finite and > 0, got {noise}")
    if pretrain.strip().lower() == "inf":
        tau = None
    else:
        try:
            tau = float(pretrain)
        except ValueError:
            raise InputError(
                f"--pretrain: expected a number > 0 or inf, got {pretrain!r}"
            ) from None
        if not (math.isfinite(tau) and 0 < tau <= 1e4):
            raise InputError(f"--pretrain: τ must be in (0, 1e4] or inf, got {pretrain}")
    if not (math.isfinite(ridge) and ridge >= 0):
        raise InputError(f"--ridge: λ must be finite and >= 0, got {ridge}")
    if not (math.isfinite(beta) and beta > 0):
        raise InputError(f"--beta: must be finite and > 0, got {beta}")
    if executor not in EXECUTORS:
        raise InputError(f"--executor: use one of {', '.join(EXECUTORS)}, got {executor!r}")
    dim_list = _dims(dim, dims)
    if (tau is not None or model == "softmax") and dim_list[-1] > MAX_TRAIN_DIM:
        raise InputError(
            f"--dim: trained models take d <= {MAX_TRAIN_DIM} here (the linear model's normal "
            f"equations have d² unknowns); use --pretrain inf for larger d, got {dim_list[-1]}"
        )
    if tau is not None and tau * dim_list[-1] ** 2 > MAX_SEQUENCES:
        raise InputError(
            f"--pretrain: τ d² = {tau * dim_list[-1] ** 2:.0f} pretraining sequences exceeds "
            f"{MAX_SEQUENCES}; lower --pretrain"
        )
    if tau is not None and ridge < MIN_RIDGE_UNDERDETERMINED and tau < 1:
        raise InputError(
            f"--ridge: τ = {tau:g} < 1 gives fewer pretraining sequences than the d² unknowns, "
            f"so A is singular; use --ridge >= {MIN_RIDGE_UNDERDETERMINED:g} or --pretrain >= 1"
        )
    ells = [context_length(d, context, context_ratio) for d in dim_list]
    if max(ells) > MAX_CONTEXT:
        raise InputError(
            f"--context-ratio: ℓ = {context_ratio:g} · d = {max(ells)} exceeds {MAX_CONTEXT}; "
            "lower --context-ratio or give --context"
        )
    n_eval, pools = _count(samples, "samples", 10, MAX_SAMPLES), parse_tasks(tasks)
    n_seeds = _count(seeds, "seeds", 1, MAX_SEEDS)
    _check_batch_memory(dim_list, ells, tau, model, n_eval, pools)
    _check_sweep_work(dim_list, ells, tau, n_eval, pools, n_seeds)
    return {
        "dims": dim_list,
        "context": context,
        "context_ratio": context_ratio,
        "tasks": pools,
        "seeds": n_seeds,
        "model": model,
        "noise": noise,
        "pretrain": tau,
        "ridge": ridge,
        "beta": beta,
        "pairs": _count(pairs, "pairs", 0, MAX_PAIRS),
        "n_eval": _count(samples, "samples", 10, MAX_SAMPLES),
        "steps": _count(steps, "steps", 1, MAX_STEPS),
        "executor": executor,
    }
