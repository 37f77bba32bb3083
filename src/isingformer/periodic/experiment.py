"""``isingformer periodic``: measure the three claims (and training) on GPTs
with ``none``, ``alibi`` and ``periodic`` biases and give each a verdict."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from isingformer.errors import InputError
from isingformer.periodic.study import (
    BIASES,
    capture_logits,
    find_checkpoints,
    measure_logits,
    rem_rounding,
)
from isingformer.periodic.training import (
    TINY_MODEL,
    row_checkpoints,
    tiny_config,
    training_comparison,
    training_verdict,
)

__all__ = ["TINY_MODEL", "encoder_result", "paired_verdict", "periodic_study", "train_tiny"]


def train_tiny(bias: str, seed: int, steps: int, out: Path, decay: str = "linear") -> Path:
    """Train one tiny GPT (:data:`~isingformer.periodic.training.TINY_MODEL`)
    with positional ``bias`` (policy ``sqrt_dk``; ``decay`` is the periodic f,
    ``linear`` or ``exponential``) and return its checkpoint path."""
    from isingformer.lm import train

    res = train(tiny_config(bias, decay, steps, seed), out=out)
    return Path(res.checkpoint)


def paired_verdict(a: list[float], b: list[float], better: str, label: str) -> dict:
    """Verdict on ``a − b`` paired by seed (a = periodic, b = a control):
    ``better`` is ``"lower"`` or ``"higher"`` (the direction the claim
    predicts). Supported / refuted when the 95 % t-interval excludes 0,
    otherwise inconclusive; below 3 pairs no interval and ``inconclusive``."""
    from isingformer.stats import mean_interval

    diffs = [x - y for x, y in zip(a, b, strict=True) if math.isfinite(x - y)]
    if not diffs:
        return {"verdict": "inconclusive", "text": f"{label}: no finite pair", "diff": None}
    iv = mean_interval(diffs)
    if iv.ci is None:
        word = "inconclusive"
    else:
        lo, hi = iv.ci
        sign = -1 if better == "lower" else 1
        if (sign < 0 and hi < 0) or (sign > 0 and lo > 0):
            word = "supported"
        elif (sign < 0 and lo > 0) or (sign > 0 and hi < 0):
            word = "refuted"
        else:
            word = "inconclusive"
    return {"verdict": word, "text": f"{label} = {iv.text('.4g')}", "diff": iv.to_dict()}


def _interval(values: list[float]) -> dict:
    from isingformer.stats import mean_interval

    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return {"mean": None, "ci": None, "n": 0, "values": values}
    iv = mean_interval(finite)
    return {
        "mean": iv.mean,
        "ci": None if iv.ci is None else list(iv.ci),
        "n": iv.n,
        "method": iv.method,
        "level": iv.level,
        "values": values,
    }


def _rounding(models: list[dict]) -> dict:
    """θ over seeds (t-interval from 3 finite values on); with one model, the
    OLS slope interval of its own fit instead."""
    out = _interval([m["rounding_fit"]["theta"] for m in models])
    out["value"] = out["mean"]
    if len(models) == 1:
        fit = models[0]["rounding_fit"]  # its interval's n is the sizes fitted, not the models
        out.update(ci=fit["ci"], ci_n=fit["n"])
        out["method"] = f"{fit['method']} (one model: over its ci_n = {fit['n']} sizes)"
    return out


def _steps_to_target(models_by_bias: dict[str, list[dict]]) -> tuple[float, dict]:
    from isingformer.lm import cost_to_target

    finals = [m["final_val_loss"] for ms in models_by_bias.values() for m in ms]
    target = max(finals)  # every run reaches it: steps to target compare speed
    out = {}
    for name, ms in models_by_bias.items():
        steps = [cost_to_target(m["evals"], target)[0] for m in ms]
        out[name] = {
            "steps_to_target": _interval(steps),
            "final_val_loss": _interval([m["final_val_loss"] for m in ms]),
        }
    return target, out


def periodic_study(
    checkpoints: dict[str, Path] | None = None,
    *,
    seeds: int = 3,
    seed: int = 0,
    steps: int = 300,
    n_windows: int = 8,
    work_dir: Path | None = None,
    decay: str = "linear",
    store=None,
) -> dict:
    """Run the study. ``checkpoints``: ``{bias: DIR}`` (each DIR one checkpoint or
    one per seed in subdirectories; all three biases needed); ``None`` trains
    the models of :func:`~isingformer.periodic.training.training_comparison`
    (``seeds`` per bias and policy, ``steps`` steps, under ``work_dir``, a
    temporary directory if None; its sweeps in ``store``), measures the
    ``sqrt_dk`` ones (periodic: the f ``decay``) and takes the training
    verdict from the comparison."""
    if decay not in ("linear", "exponential"):
        raise InputError(f"--decay must be 'linear' or 'exponential', got {decay!r}")
    if n_windows < 1 or n_windows > 256:
        raise InputError(f"--n-texts must be in 1..256, got {n_windows}")
    tmp, comparison = None, None
    if checkpoints is None:
        if work_dir is None:
            tmp = tempfile.TemporaryDirectory()
            work_dir = Path(tmp.name)
        seed_list = list(range(seed, seed + seeds))
        comparison = training_comparison(
            seeds=seed_list, steps=steps, run_root=Path(work_dir), store=store, n_windows=n_windows
        )
        labels = {"none": "none", "alibi": "alibi"}
        labels["periodic"] = "periodic" if decay == "linear" else "periodic_exp"
        paths = {
            b: row_checkpoints(Path(work_dir), labels[b], "sqrt_dk", seed_list) for b in BIASES
        }
    else:
        missing = [b for b in BIASES if b not in checkpoints]
        if missing:
            raise InputError(f"--checkpoints: missing {missing}; give none=, alibi= and periodic=")
        paths = {b: find_checkpoints(checkpoints[b]) for b in BIASES}
    try:
        models = {
            b: [measure_logits(capture_logits(p, b, n_windows)) for p in ps]
            for b, ps in paths.items()
        }
    finally:
        if tmp is not None:
            tmp.cleanup()
    if comparison is None:
        target, training = _steps_to_target(models)
        verdicts, details = _verdicts(models)
    else:
        target, training = comparison["target_loss"], comparison["rows"]
        verdicts, details = _verdicts(models, ("edges", "correlation", "rounding"))
        verdicts["training"], details["training"] = training_verdict(comparison)
    rem = rem_rounding(seed=seed)
    return {
        "biases": _summaries(models),
        "training": training,
        "target_loss": target,
        "training_comparison": None
        if comparison is None
        else {
            k: comparison[k]
            for k in ("target_source", "paired", "paired_vs_alibi", "within", "config")
        },
        "verdicts": verdicts,
        "verdict_details": details,
        "rem_control": rem,
        "models": {b: [_slim(m) for m in ms] for b, ms in models.items()},
        "config": {
            "trained_here": checkpoints is None,
            "steps": steps if checkpoints is None else None,
            "n_seeds": {b: len(ms) for b, ms in models.items()},  # counts (docs/cli.md)
            "model": TINY_MODEL if checkpoints is None else None,
            "periodic_decay": sorted({m.get("decay", "linear") for m in models["periodic"]}),
            "n_windows": n_windows,
            "interval": "Student t over seeds (95 %), paired by run (training seed and policy); none below n = 3",
        },
    }


def encoder_result(model: str | None, *, n_texts: int, max_tokens: int, groups: int) -> dict:
    """The analysis-time study on a Hugging Face encoder (see
    :mod:`isingformer.periodic.encoder`), summarised like the GPT study;
    intervals over passage groups."""
    from isingformer.periodic.encoder import encoder_study

    models = encoder_study(model, n_texts=n_texts, max_tokens=max_tokens, groups=groups)
    verdicts, details = _verdicts(models, ("edges", "correlation", "rounding"))
    return {
        "model": model or "minilm",
        "biases": _summaries(models),
        "verdicts": verdicts,
        "verdict_details": details,
        "models": {b: [_slim(m) for m in ms] for b, ms in models.items()},
        "config": {
            "n_texts": n_texts,
            "max_tokens": max_tokens,
            "groups": groups,
            "interval": "Student t over passage groups (95 %), paired by group",
        },
    }


def _summaries(models: dict[str, list[dict]]) -> list[dict]:
    biases = []
    for b in BIASES:
        ms = models[b]
        biases.append(
            {
                "name": b,
                "n_models": len(ms),
                "edge_spread": _interval([m["edge_spread"] for m in ms]),
                "entropy_edge_spread": _interval([m["entropy_edge_spread"] for m in ms]),
                "loss_edge_spread": _interval([m["loss_edge_spread"] for m in ms]),
                "correlation_length": _xi_summary(ms),
                "decay_rate": _interval([_rate(m) for m in ms]),
                "head_decay_rate": _head_rates(ms),
                "mean_distance": _interval([m["mean_distance"] for m in ms]),
                "rounding_exponent": _rounding(ms),
                "width_at_max_n": _interval([m["width_at_max_n"] for m in ms]),
                "beta_star": _interval([m["beta_star_mean"] for m in ms]),
                "wrap_mass_fraction": _interval([m["wrap"]["mass_fraction"] for m in ms]),
                "wrap_pair_fraction": ms[0]["wrap"]["pair_fraction"],
            }
        )
    return biases


def _xi_summary(models: list[dict]) -> dict:
    """ξ at β = 1 over models: the t-interval where every model's ξ lies within
    its window (``correlation_window``); otherwise no mean or interval, only
    ``lower_bound`` (the mean with each such ξ counted at its window) and
    ``beyond_window`` (how many models). ``window``: the longest ξ the window
    measures (tokens; None where the models' windows differ)."""
    windows = {m.get("correlation_window") for m in models}
    window = windows.pop() if len(windows) == 1 else None
    xi = [m["correlation_length"] for m in models]
    beyond = sum(1 for m in models if m.get("correlation_beyond_window"))
    if not beyond:
        return {**_interval(xi), "window": window, "beyond_window": 0}
    capped = [  # a model without a fit (NaN) is left out
        min(x, m["correlation_window"]) for x, m in zip(xi, models, strict=True) if x == x
    ]
    return {
        "mean": None,
        "ci": None,
        "n": len(models),
        "values": xi,
        "window": window,
        "beyond_window": beyond,
        "lower_bound": sum(capped) / len(capped),
        "method": "no mean: a fitted ξ beyond the window is not measured there "
        "(lower_bound counts it at the window)",
    }


def _head_rates(models: list[dict]) -> dict:
    """Per (layer, head): the decay rate 1/ξ at β = 1 over models (t-interval
    from 3 on), and how many heads decay significantly (interval above 0)."""
    heads = len(models[0]["head_decay_rates"])
    per = [_interval([m["head_decay_rates"][h] for m in models]) for h in range(heads)]
    return {
        "per_head": per,
        "n_heads": heads,
        "decaying": sum(1 for x in per if x["ci"] is not None and x["ci"][0] > 0),
        "never_decaying": sum(1 for x in per if x["mean"] == 0.0),
    }


def _rate(m: dict) -> float:
    """The decay rate 1/ξ of a model's attention with distance (0 where ξ = ∞:
    no decay); longer correlations are a lower rate."""
    return 1.0 / m["correlation_length"]


def _slim(m: dict) -> dict:
    return {k: v for k, v in m.items() if k != "evals"}


def _paired(p: list[dict], c: list[dict]) -> tuple[list[dict], list[dict]]:
    """The models of ``p`` and ``c`` paired by run: the same training seed and β
    policy when every model records them (checkpoints given by the user may
    come in any order, or hold other runs), else by position."""
    if all(m.get("seed") is not None for m in p + c):
        by_run = {(m.get("policy"), m["seed"]): m for m in c}
        both = [m for m in p if (m.get("policy"), m["seed"]) in by_run]
        return both, [by_run[(m.get("policy"), m["seed"])] for m in both]
    n = min(len(p), len(c))
    return p[:n], c[:n]


_WORDS = {"edge_spread": "edge spread of β*", "final_val_loss": "final validation loss"}


def _verdicts(
    models: dict[str, list[dict]], which=("edges", "correlation", "rounding", "training")
) -> tuple[dict, dict]:
    """Periodic against each control, per claim; the headline verdict is the
    one against ``none`` (the claim is about adding the torus), with the ALiBi
    comparison in the details."""
    claims = {
        "edges": ("edge_spread", "lower"),
        "correlation": ("decay_rate", "lower"),
        "rounding": (None, "higher"),
        "training": ("final_val_loss", "lower"),
    }
    details, verdicts = {}, {}
    for claim in which:
        key, better = claims[claim]
        details[claim] = {}
        for ctrl in ("none", "alibi"):
            p, c = _paired(models["periodic"], models[ctrl])
            if key is None:
                a = [m["rounding_fit"]["theta"] for m in p]
                b = [m["rounding_fit"]["theta"] for m in c]
                label = f"θ(periodic) − θ({ctrl})"
            elif key == "decay_rate":  # 1/ξ: finite also where ξ = ∞ (no decay)
                a, b = [_rate(m) for m in p], [_rate(m) for m in c]
                label = f"1/ξ(periodic) − 1/ξ({ctrl}) (1/token)"
            else:
                a, b = [m[key] for m in p], [m[key] for m in c]
                label = f"{_WORDS[key]}(periodic) − {_WORDS[key]}({ctrl})"
            details[claim][ctrl] = paired_verdict(a, b, better, label)
        v = details[claim]["none"]
        verdicts[claim] = f"{v['verdict']}: {v['text']}"
    return verdicts, details
