"""Claim 4 of the periodic study: does the periodic bias (with dynamic β)
train better? ``isingformer compare`` on character Shakespeare, once per
positional bias — ``none``, ``alibi``, ``periodic`` with the linear f and
``periodic`` with the exponential f — each with the ``sqrt_dk`` and the
``critical`` β policy, the same seeds (the same data order and initial
weights per seed) everywhere.

Every row is summarised against one common target, the highest final
validation loss of all runs (so every run reaches it); every bias is paired by seed with
``none`` at the same policy (the compare machinery's paired statistics:
final-loss differences and log step ratios to that seed's ``none`` final
loss, Student-t 95 % over seeds, none below 3). The causal subtlety in
numbers: each trained model's share of attention mass at lags
``i − j > N/2``, the only pairs whose circular distance differs from
``i − j`` under the causal mask, so the most the periodic term can move.
"""

from __future__ import annotations

import math
from pathlib import Path

from isingformer.errors import InputError

__all__ = [
    "POLICIES",
    "ROWS",
    "TINY_MODEL",
    "row_checkpoints",
    "tiny_config",
    "training_comparison",
    "training_verdict",
]

# The default budget: a one-layer, two-head character GPT, small enough that
# 4 biases x 2 policies x 3 seeds train in a few minutes on one CPU core.
TINY_MODEL = {
    "n_layer": 1,
    "n_head": 2,
    "d_model": 32,
    "context": 64,
    "batch_size": 16,
    "lr": 1e-2,
    "eval_batches": 4,
    "recalibrate_every": 0,
}
# label -> (bias, periodic f); the periodic rows differ only in f
ROWS = {
    "none": ("none", None),
    "alibi": ("alibi", None),
    "periodic": ("periodic", "linear"),
    "periodic_exp": ("periodic", "exponential"),
}
POLICIES = ("sqrt_dk", "critical")
CLAIM_ROW = ("periodic", "critical")  # the claim: the torus with dynamic β


def tiny_config(bias: str, decay: str | None, steps: int, seed: int = 0):
    """The :class:`~isingformer.lm.TrainConfig` of one tiny model (policy
    ``sqrt_dk``; ``decay`` is the periodic f, ignored for other biases)."""
    from isingformer.lm import load_config

    return load_config(
        overrides={
            **TINY_MODEL,
            "bias": bias,
            "bias_kwargs": {"decay": decay or "linear"} if bias == "periodic" else {},
            "seed": int(seed),
            "steps": int(steps),
            "eval_every": max(steps // 10, 1),
            "warmup": max(min(50, steps // 5), 1),
        }
    )


def row_checkpoints(run_root: Path, label: str, policy: str, seeds: list[int]) -> list[Path]:
    """The checkpoints :func:`training_comparison` wrote for one row."""
    return [Path(run_root) / label / f"{policy}_seed{s}" / "checkpoint.pt" for s in seeds]


def _wrap_mass(checkpoint: Path, bias: str, n_windows: int) -> float:
    from isingformer.periodic.measures import causal_allowed, wrap_fraction
    from isingformer.periodic.study import capture_logits

    cap = capture_logits(checkpoint, bias, n_windows)
    t = cap["logits"].shape[-1]
    return wrap_fraction(cap["logits"], causal_allowed(t), cap["period"])["mass_fraction"]


def training_comparison(
    *,
    seeds: list[int],
    steps: int,
    run_root: Path,
    store=None,
    n_windows: int = 4,
) -> dict:
    """Train and compare the 4 bias rows x 2 policies x ``seeds`` (checkpoints
    under ``run_root/LABEL/POLICY_seedS``; one ``compare`` sweep per bias in
    ``store``, so an interrupted study resumes). Returns ``target_loss``,
    ``rows`` (label/policy -> summary), ``paired`` (label/policy vs
    none/policy), ``paired_vs_alibi`` (the periodic rows vs alibi/policy) and
    ``within`` (critical vs sqrt_dk per bias)."""
    from isingformer.lm.compare import compare, paired_comparison, policy_summary
    from isingformer.stats import mean_interval

    if len(seeds) < 1:
        raise InputError("--seeds must be >= 1")
    runs: dict[str, dict[str, list[dict]]] = {}
    within = {}
    for label, (bias, decay) in ROWS.items():
        c = compare(
            tiny_config(bias, decay, steps),
            ",".join(POLICIES),
            list(seeds),
            store=store,
            executor="serial",
            run_root=Path(run_root) / label,
            progress=False,
        )
        runs[label] = {p: [r for r in c.runs if r["name"] == p] for p in POLICIES}
        within[label] = c.paired[0]
    # the worst run's final loss: every run reaches it, so every row has n steps
    target = max(r["final_val_loss"] for by in runs.values() for rs in by.values() for r in rs)
    rows, paired, vs_alibi = {}, {}, {}
    for label, (bias, _) in ROWS.items():
        for policy in POLICIES:
            name = f"{label}/{policy}"
            rs = runs[label][policy]
            row = policy_summary(name, rs, target)
            wraps = [
                _wrap_mass(ck, bias, n_windows)
                for ck in row_checkpoints(run_root, label, policy, seeds)
            ]
            iv = mean_interval(wraps)
            row["wrap_mass_fraction"] = {
                **iv.to_dict(),
                "ci": None if iv.ci is None else list(iv.ci),
            }
            rows[name] = row
            if label != "none":
                paired[name] = paired_comparison(name, rs, runs["none"][policy], f"none/{policy}")
            if bias == "periodic":  # the torus against the plain distance decay
                vs_alibi[name] = paired_comparison(
                    name, rs, runs["alibi"][policy], f"alibi/{policy}"
                )
    return {
        "target_loss": target,
        "target_source": "the highest final validation loss of all runs: every run reaches it",
        "rows": rows,
        "paired": paired,
        "paired_vs_alibi": vs_alibi,
        "within": within,
        "config": {
            "model": TINY_MODEL,
            "steps": steps,
            "seeds": list(seeds),
            "policies": list(POLICIES),
            "rows": {k: {"bias": b, "decay": d} for k, (b, d) in ROWS.items()},
            "interval": "Student t over seeds (95 %), paired by seed with none at the same policy",
        },
    }


def training_verdict(comparison: dict) -> tuple[str, dict]:
    """The training verdict: the claim row (periodic, linear f, at critical β)
    against none at critical β, on the paired final-loss difference (supported
    / refuted when its 95 % t-interval lies below / above 0); the text also
    gives the paired steps ratio to none's final loss. Details: every
    periodic row against none."""
    details = {}
    for name, p in comparison["paired"].items():
        if not name.startswith("periodic"):
            continue
        d, s = p["delta_final_loss"], p["steps_ratio"]
        if d["ci"] is None:
            word = "inconclusive"
        elif d["ci"][1] < 0:
            word = "supported"
        elif d["ci"][0] > 0:
            word = "refuted"
        else:
            word = "inconclusive"
        details[name] = {
            "verdict": word,
            "text": f"{name} − {p['baseline']}: final loss {_text(d, '+.4f')}; "
            f"steps to {p['baseline']}'s final loss x{s['ratio']:.3f} {_ratio(s)}",
            "paired": p,
        }
    head = details["/".join(CLAIM_ROW)]
    return f"{head['verdict']}: {head['text']}", details


def _text(x: dict, fmt: str) -> str:
    if x["ci"] is None:
        return f"{x['mean']:{fmt}} (n = {x['n']}, no interval)"
    lo, hi = x["ci"]
    return f"{x['mean']:{fmt}} [95 % t-CI {lo:{fmt}}, {hi:{fmt}}; n = {x['n']}]"


def _ratio(s: dict) -> str:
    if s.get("lower_bound"):
        c = s.get("censored", s["n"])
        return f"(a lower bound: {c} of {s['n']} runs never reached it, no interval)"
    if s["ci"] is None or not all(math.isfinite(v) for v in s["ci"]):
        return f"(n = {s['n']}, no interval)"
    return f"[95 % t-CI {s['ci'][0]:.3f}, {s['ci'][1]:.3f}; n = {s['n']}]"
