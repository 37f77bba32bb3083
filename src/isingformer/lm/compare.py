"""The comparison: β policies x seeds, same data order and initial weights per
seed across policies, each (policy, seed) run one point of a results-store
sweep (an interrupted comparison resumes; with a run directory, an
interrupted *run* resumes from its checkpoint too).

Measures per run: the validation-loss curve, steps and training wall time to
reach a target loss, the final loss and tokens/s. Summaries use Student-t
95 % intervals over seeds (:mod:`isingformer.stats`; paired quantities as
per-seed differences or log ratios), each with its ``n``; below 3 seeds there
is no interval, only the values. The claim under test (seed 000 / 001: β at
the critical point "significantly reduces training cost") is judged on the
paired cost ratio critical / sqrt_dk, where each seed's target is the loss the
sqrt_dk run of the same seed reaches at the end of its budget.

Each row of the comparison is a policy spec (:mod:`isingformer.lm.specs`:
``fixed:beta=8.0``, ``critical:every=50``, ...) named by its full text. When
``fixed``-β rows are present they serve as controls for the claim: the
critical row is also compared, paired by seed, with the best of them (lowest
mean final loss), which separates "criticality" from "a larger attention
scale" (the critical β of a freshly initialized GPT is far above
1/sqrt(d_k)).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from isingformer.errors import InputError
from isingformer.lm.config import TrainConfig, config_from_dict
from isingformer.lm.specs import PolicySpec, parse_policies
from isingformer.stats import t_interval

__all__ = [
    "Comparison",
    "compare",
    "compare_point",
    "control_verdict",
    "cost_to_target",
    "paired_comparison",
    "policy_summary",
    "verdict",
]

SWEEP = "compare"  # the command's name (docs/cli.md)
BASELINE = "sqrt_dk"
CLAIM_POLICY = "critical"
CONTROL_POLICY = "fixed"
# the judgement against one control (the overall label is about the best one)
_ROW_LABEL = {
    "criticality beyond scale": "critical better",
    "explained by scale": "control as good or better",
}


def compare_point(config: dict) -> dict:
    """One (policy, seed) run: a top-level function for :func:`run_sweep`.

    ``config = {"train": TrainConfig dict, "run_dir": str | None}``.
    """
    from isingformer.lm.train import train

    cfg = config_from_dict(config["train"], source="comparison point")
    run_dir = config.get("run_dir")
    corpus_sha = config.get("corpus_sha256")
    resume = None
    if run_dir is not None and (Path(run_dir) / "checkpoint.pt").is_file():
        resume = Path(run_dir) / "checkpoint.pt"
        _check_same_run(resume, cfg, corpus_sha)
    if run_dir is not None and corpus_sha is not None:  # what the checkpoint is trained on
        Path(run_dir).mkdir(parents=True, exist_ok=True)
        (Path(run_dir) / _CORPUS_MARK).write_text(corpus_sha + "\n")
    r = train(cfg, out=run_dir, resume=resume, progress=False)
    return {
        "policy": cfg.policy,
        "seed": cfg.seed,
        "final_val_loss": r.final_val_loss,
        "evals": r.evals,
        "train_losses": r.train_losses,
        "beta_log": r.beta_log,
        "beta_per_head": r.beta_per_head,
        "tokens_per_s": r.tokens_per_s,
        "train_seconds": r.train_seconds,
        "calib_seconds": r.calib_seconds,
        "cpu_seconds": r.cpu_seconds,
        "n_params": r.n_params,
        "steps": r.steps,
    }


# settings that do not change a run's numbers (a resumed run is bit for bit the same)
_NOT_RESULTS = ("cache_dir", "checkpoint_every")


_CORPUS_MARK = "corpus.sha256"  # beside the checkpoint of a run on a corpus file


def _check_same_run(checkpoint: Path, cfg: TrainConfig, corpus_sha: str | None = None) -> None:
    """Refuse to continue a run directory's checkpoint of other settings: the
    point would be stored under ``cfg`` but not be ``cfg``'s run (e.g. more
    ``--steps`` continue the old run's learning-rate schedule, or the corpus
    file was rewritten)."""
    from isingformer.lm.checkpoint import load_checkpoint

    old = config_from_dict(load_checkpoint(checkpoint)["config"], source=f"checkpoint {checkpoint}")
    now, then = cfg.to_dict(), old.to_dict()
    if corpus_sha is not None:
        mark = checkpoint.parent / _CORPUS_MARK
        now["corpus_sha256"] = corpus_sha
        then["corpus_sha256"] = mark.read_text().strip() if mark.is_file() else "unknown"
    diff = [k for k in now if k not in _NOT_RESULTS and now[k] != then.get(k)]
    if diff:
        shown = ", ".join(f"{k} = {then.get(k)!r} there, {now[k]!r} now" for k in diff[:3])
        raise InputError(
            f"run directory {checkpoint.parent} holds a run of other settings ({shown}); "
            "use another --out, or delete that directory to retrain it"
        )


def cost_to_target(
    evals: list[dict], target: float, clock: str = "train_seconds"
) -> tuple[float, float, bool]:
    """Steps and seconds (``clock``: ``train_seconds`` wall time or
    ``cpu_seconds`` process CPU time) at which the validation curve first
    reaches ``target`` (linear interpolation between evaluations), and
    whether it did; if never, the run's totals (a lower bound)."""

    def t(e):
        return e.get(clock, e["train_seconds"])

    prev = None
    for e in evals:
        if e["val_loss"] <= target:
            if prev is None or prev["val_loss"] == e["val_loss"]:
                return float(e["step"]), float(t(e)), True
            f = (prev["val_loss"] - target) / (prev["val_loss"] - e["val_loss"])
            step = prev["step"] + f * (e["step"] - prev["step"])
            secs = t(prev) + f * (t(e) - t(prev))
            return float(step), float(secs), True
        prev = e
    last = evals[-1]
    return float(last["step"]), float(t(last)), False


# how each interval is made (stats rule: every interval states its n and method)
METHOD = "Student t 95 % over seeds (none below 3)"
PAIRED_METHOD = "Student t 95 % over the per-seed paired differences (none below 3)"
RATIO_METHOD = "Student t 95 % over the per-seed log ratios, back-transformed (none below 3)"


def _ci(values) -> list[float] | None:
    """Student-t 95 % interval of the mean, or None below 3 values."""
    ci = t_interval(values)
    return None if ci is None else list(ci)


@dataclass
class Comparison:
    """The outcome of :func:`compare` (JSON-able via :meth:`to_dict`)."""

    target_loss: float
    target_source: str
    baseline: str
    scale: dict
    policies: list[dict]
    paired: list[dict]
    runs: list[dict]
    verdict: str
    verdict_text: str
    config: dict = field(default_factory=dict)
    # the claim row against the best fixed-β control (None without controls)
    control: dict | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_dataframe(self, kind: str = "runs"):
        """A pandas data frame: ``kind="runs"`` (one row per policy spec x seed),
        ``"evals"`` (learning curves, long format), ``"policies"`` or ``"paired"``."""
        from isingformer.runs.frames import to_dataframe

        return to_dataframe(self, kind=kind)


def policy_summary(name: str, runs: list[dict], target: float) -> dict:
    """One policy's runs (one per seed) summarised: final validation loss, steps,
    seconds and CPU seconds to reach ``target`` (mean, Student-t CI, n), throughput."""
    finals = [r["final_val_loss"] for r in runs]
    costs = [cost_to_target(r["evals"], target) for r in runs]
    cpu = [cost_to_target(r["evals"], target, "cpu_seconds") for r in runs]
    reached_steps = [c[0] for c in costs if c[2]]
    reached_secs = [c[1] for c in costs if c[2]]
    tps = [r["tokens_per_s"] for r in runs]
    return {
        "name": name,
        "n_seeds": len(runs),
        "final_val_loss": {
            "mean": float(np.mean(finals)),
            "ci": _ci(finals),
            "n": len(finals),
            "method": METHOD,
            "values": finals,
        },
        "steps_to_target": {
            "mean": float(np.mean(reached_steps)) if reached_steps else None,
            "ci": _ci(reached_steps),
            "n": len(reached_steps),
            "method": METHOD,
            "reached": len(reached_steps),
            "values": [c[0] if c[2] else None for c in costs],
        },
        "seconds_to_target": {
            "mean": float(np.mean(reached_secs)) if reached_secs else None,
            "ci": _ci(reached_secs),
            "n": len(reached_secs),
            "method": METHOD,
            "reached": len(reached_secs),
        },
        "cpu_seconds_to_target": _mean_ci([c[1] for c in cpu if c[2]]),
        "tokens_per_s": float(np.mean(tps)),
        "tokens_per_s_ci": _ci(tps),
        "tokens_per_s_n": len(tps),
        "tokens_per_s_method": METHOD,
        "calib_fraction": float(
            np.mean([r["calib_seconds"] / max(r["train_seconds"], 1e-12) for r in runs])
        ),
    }


def _mean_ci(values) -> dict:
    if not values:
        return {"mean": None, "ci": None, "n": 0, "method": METHOD, "reached": 0}
    return {
        "mean": float(np.mean(values)),
        "ci": _ci(values),
        "n": len(values),
        "method": METHOD,
        "reached": len(values),
    }


def paired_comparison(
    name: str, runs: list[dict], base_runs: list[dict], baseline: str = BASELINE
) -> dict:
    """Policy vs baseline, seed by seed. Each seed's target is the baseline's
    final loss for that seed; a run that never reaches it is censored at its
    budget (its ratio is then a lower bound, so the estimate favours it)."""
    by_seed = {r["seed"]: r for r in base_runs}
    d_loss, log_steps, log_secs, log_cpu, censored = [], [], [], [], 0
    for r in runs:
        b = by_seed.get(r["seed"])
        if b is None:
            continue
        d_loss.append(r["final_val_loss"] - b["final_val_loss"])
        tgt = b["final_val_loss"]
        bs, bt, _ = cost_to_target(b["evals"], tgt)
        ps, pt, ok = cost_to_target(r["evals"], tgt)
        censored += not ok
        log_steps.append(math.log(max(ps, 1e-9) / max(bs, 1e-9)))
        log_secs.append(math.log(max(pt, 1e-9) / max(bt, 1e-9)))
        bc = cost_to_target(b["evals"], tgt, "cpu_seconds")[1]
        pc = cost_to_target(r["evals"], tgt, "cpu_seconds")[1]
        log_cpu.append(math.log(max(pc, 1e-9) / max(bc, 1e-9)))

    def gm(v):
        """Geometric-mean ratio; t interval on the per-seed log ratios. When a
        run never reached its target its cost is its full budget, a lower
        bound, so the ratio is only a lower bound: no interval (a t interval
        over values some of which are bounds covers nothing stated)."""
        bound = bool(v) and censored > 0
        ci = None if bound else t_interval(v)
        return {
            "ratio": float(math.exp(np.mean(v))),
            "ci": None if ci is None else [math.exp(ci[0]), math.exp(ci[1])],
            "n": len(v),
            "method": RATIO_METHOD,
            "lower_bound": bound,
            "censored": censored,
        }

    return {
        "name": name,
        "baseline": baseline,
        "n_pairs": len(d_loss),
        "delta_final_loss": {
            "mean": float(np.mean(d_loss)),
            "ci": _ci(d_loss),
            "n": len(d_loss),
            "method": PAIRED_METHOD,
            "wins": int(sum(d < 0 for d in d_loss)),
        },
        "steps_ratio": gm(log_steps),
        "seconds_ratio": gm(log_secs),
        "cpu_ratio": gm(log_cpu),
        "censored": censored,
    }


def _iv(x: dict, fmt: str = ".3f") -> str:
    """``"95 % t-CI 0.52–0.71, n = 3"`` or ``"n = 2, no interval"``."""
    n = x.get("n")
    if x.get("lower_bound"):
        c = x.get("censored", n)
        return f"a lower bound: the target was never reached in {c} of {n} seeds, no interval"
    if x.get("ci") is None:
        return f"n = {n}, no interval"
    lo, hi = x["ci"]
    return f"95 % t-CI {lo:{fmt}} to {hi:{fmt}}, n = {n}"


def _bounds(x: dict) -> tuple[float, float]:
    """The interval of a ratio; a lower bound (a run never reached) is [ratio, inf)."""
    if x.get("ci") is None:
        return (x["ratio"], math.inf)
    return (x["ci"][0], x["ci"][1])


def verdict(paired: dict | None, n_seeds: int, margin: float = 0.10) -> tuple[str, str]:
    """Judge "critical β cuts training cost" from the paired comparison.

    supported: critical reaches the baseline's final loss in every seed and
    the 95% interval of its step ratio to target lies below 1. The verdict is
    judged on steps and losses only, which are deterministic on CPU: compute
    time (the run's process CPU time, calibration included) is reported with
    its interval but not judged, because on a shared machine two identical runs
    gave CPU-time ratios of 0.93 and 1.08 and would have flipped the verdict.
    not supported: the step-ratio interval lies above ``1 - margin`` (any
    saving is under ``margin``), or critical ends significantly worse.
    Otherwise inconclusive. Intervals are Student-t over the paired seeds;
    with fewer than 3 pairs there is none and the verdict is inconclusive.
    """
    if paired is None:
        return "inconclusive", f"The comparison did not include both {BASELINE} and {CLAIM_POLICY}."
    n_pairs = min(n_seeds, paired["n_pairs"])
    if n_pairs < 3:
        return (
            "inconclusive",
            f"Only {n_pairs} paired seed(s): at least 3 are needed for an interval.",
        )
    s, d = paired["steps_ratio"], paired["delta_final_loss"]
    t = paired.get("cpu_ratio", paired["seconds_ratio"])
    desc = (
        f"{paired['name']} / {BASELINE} steps to reach the baseline's final loss: {s['ratio']:.3f} "
        f"({_iv(s)}); compute (CPU) time, not judged: {t['ratio']:.3f} ({_iv(t)}); final-loss "
        f"difference "
        f"{d['mean']:+.4f} ({_iv(d, '+.4f')}), "
        f"{paired['name']} lower in {d['wins']} of {paired['n_pairs']} seeds"
        + (f"; {paired['censored']} run(s) never reached the target" if paired["censored"] else "")
        + "."
    )
    s_lo, s_hi = _bounds(s)
    if paired["censored"] == 0 and s_hi < 1.0:
        return (
            "supported",
            "Critical β reached the baseline's loss in fewer steps: " + desc,
        )
    if s_lo > 1.0 - margin or d["ci"][0] > 0:
        why = (
            "critical β ended significantly worse"
            if d["ci"][0] > 0
            else f"any saving in steps is below {margin:.0%} at 95% confidence"
        )
        return "not supported", f"No significant cut in training cost ({why}): " + desc
    return "inconclusive", "The intervals are too wide to decide: " + desc


def control_verdict(
    vs_control: dict | None, control_vs_base: dict | None, n_seeds: int, margin: float = 0.10
) -> tuple[str, str]:
    """Is the claim row's gain criticality, or just a larger attention scale?

    ``vs_control`` is the paired comparison of the critical row against the
    best fixed-β control *as baseline* (ratios < 1: critical is cheaper than
    the control; Δ < 0: critical ends lower); ``control_vs_base`` the
    control's own paired comparison with sqrt_dk (for the text).

    - ``criticality beyond scale``: critical ends significantly lower than the
      control and the step-ratio interval lies below 1;
    - ``explained by scale``: the control ends significantly lower, or
      critical's saving in steps over the control is below ``margin`` at 95%
      confidence and it does not end significantly lower;
    - ``inconclusive`` otherwise (or with < 3 seeds).
    """
    if vs_control is None:
        return "none", ""
    ctrl = vs_control["baseline"]
    head = ""
    if control_vs_base is not None:
        cs, cd = control_vs_base["steps_ratio"], control_vs_base["delta_final_loss"]
        head = (
            f"The best fixed-β control, {ctrl}, reaches the {BASELINE} final loss in "
            f"{cs['ratio']:.3f}x the steps ({_iv(cs)}; "
            f"{control_vs_base['censored']} run(s) never reached it) and ends "
            f"{cd['mean']:+.4f} from it. "
        )
    s, d = vs_control["steps_ratio"], vs_control["delta_final_loss"]
    desc = (
        f"{vs_control['name']} vs {ctrl}, paired by seed: steps to reach the control's final "
        f"loss {s['ratio']:.3f}x ({_iv(s)}"
        + (f"; {vs_control['censored']} run(s) never reached it" if vs_control["censored"] else "")
        + f"), final-loss difference {d['mean']:+.4f} ({_iv(d, '+.4f')}), "
        f"{vs_control['name']} lower in {d['wins']} of "
        f"{vs_control['n_pairs']} seeds."
    )
    n_pairs = min(n_seeds, vs_control["n_pairs"])
    if n_pairs < 3 or d["ci"] is None:
        return "inconclusive", head + desc + f" Only {n_pairs} paired seed(s): no judgement."
    s_lo, s_hi = _bounds(s)
    if d["ci"][1] < 0 and s_hi < 1.0 and vs_control["censored"] == 0:
        return (
            "criticality beyond scale",
            head + desc + " Critical β does better than a fixed β of comparable size: the gain "
            "is not only a larger attention scale.",
        )
    if d["ci"][0] > 0 or (s_lo > 1.0 - margin and d["ci"][1] >= 0):
        return (
            "explained by scale",
            head + desc + " A fixed β does as well as (or better than) critical β: the gain "
            "needs no criticality — a fixed attention scale of that size gives it.",
        )
    return "inconclusive", head + desc + " The intervals are too wide to separate the two."


def compare(
    base: TrainConfig,
    policies: str | list[str | dict | PolicySpec],
    seeds: list[int],
    *,
    target_loss: float | None = None,
    store=None,
    executor: str = "process",
    max_workers: int | None = None,
    run_root: str | Path | None = None,
    progress: bool = True,
    margin: float = 0.10,
    dask_address: str | None = None,
) -> Comparison:
    """Train every policy spec with every seed (``base`` fixes all else) and
    compare them; see the module docstring. ``policies``: spec strings
    (``"fixed:beta=8.0"``), mappings or :class:`PolicySpec` objects, or one
    comma-separated string of them (:func:`~isingformer.lm.specs.parse_policies`)."""
    from isingformer.lm.corpus import prepare_data_for
    from isingformer.runs import run_sweep
    from isingformer.runs.store import content_fingerprint

    if not policies:
        raise InputError("no policies to compare")
    specs = parse_policies(policies)
    names = [sp.name for sp in specs]
    if not seeds:
        raise InputError("no seeds")
    if target_loss is None and BASELINE not in names:
        raise InputError(f"without --target-loss the comparison needs the {BASELINE} baseline")
    per_spec = {sp.name: sp.apply(base) for sp in specs}  # validates every spec's options
    seen: dict[str, str] = {}
    for name, cfg in per_spec.items():
        key = repr(sorted(cfg.to_dict().items()))
        if key in seen:
            raise InputError(f"policy specs {seen[key]!r} and {name!r} describe the same run")
        seen[key] = name
    cfgs = [(sp, per_spec[sp.name].replace(seed=s)) for sp in specs for s in seeds]
    # tokenize once in this process (the cache is shared with the workers)
    data = prepare_data_for(base)
    data.check_context(base.context)
    # a corpus file's contents (not only its path) name the runs in the store
    text = (
        {} if base.corpus == "shakespeare" else {"corpus_sha256": content_fingerprint(base.corpus)}
    )
    points = [
        {
            "train": c.to_dict(),
            "run_dir": None
            if run_root is None
            else str(Path(run_root) / f"{sp.slug}_seed{c.seed}"),
            **text,
        }
        for sp, c in cfgs
    ]
    results = run_sweep(
        compare_point,
        points,
        sweep=SWEEP,
        store=store,
        executor=executor,
        max_workers=max_workers,
        progress=progress,
        dask_address=dask_address,
    )
    # results come back in the order of the points; name each by its spec
    results = [{**r, "name": sp.name} for (sp, _), r in zip(cfgs, results, strict=True)]
    by_policy: dict[str, list[dict]] = {n: [] for n in names}
    for r in results:
        by_policy[r["name"]].append(r)
    baseline = BASELINE if BASELINE in names else names[0]
    if target_loss is None:
        target_loss = float(np.mean([r["final_val_loss"] for r in by_policy[BASELINE]]))
        source = f"mean final validation loss of {BASELINE} over {len(seeds)} seed(s)"
    else:
        source = "given"
    summaries = [policy_summary(n, by_policy[n], target_loss) for n in names]
    paired = [
        paired_comparison(n, by_policy[n], by_policy[baseline], baseline)
        for n in names
        if n != baseline
    ]
    claim_name = _claim_name(specs)
    claim = next((x for x in paired if x["name"] == claim_name), None)
    if baseline != BASELINE:
        claim = None
    v, text = verdict(claim, len(seeds), margin)
    control = None
    controls = [sp.name for sp in specs if sp.policy == CONTROL_POLICY]
    if claim_name is not None and controls:
        best = min(
            controls, key=lambda n: float(np.mean([r["final_val_loss"] for r in by_policy[n]]))
        )
        each = []
        for n in controls:
            x = paired_comparison(claim_name, by_policy[claim_name], by_policy[n], n)
            label = control_verdict(x, None, len(seeds), margin)[0]
            x["verdict"] = _ROW_LABEL.get(label, label)
            each.append(x)
        vs = next(x for x in each if x["baseline"] == best)
        cvb = next((x for x in paired if x["name"] == best), None) if claim is not None else None
        cv, ctext = control_verdict(vs, cvb, len(seeds), margin)
        control = {
            "control": best,
            "candidates": controls,
            "verdict": cv,
            "text": ctext,
            "paired": vs,
            "each": each,
        }
        text = text + " Control: " + ctext
    n_params = results[0]["n_params"]
    scale = {
        "n_layer": base.n_layer,
        "n_head": base.n_head,
        "d_model": base.d_model,
        "context": base.context,
        "batch_size": base.batch_size,
        "steps": base.steps,
        "tokens_per_run": base.steps * base.batch_size * base.context,
        "n_params": n_params,
        "n_seeds": len(seeds),
        "corpus": base.corpus,
        "tokenizer": base.tokenizer,
        "vocab_size": data.vocab_size,
        "device": base.device,
    }
    text = (
        f"At this scale ({n_params:,} parameters, {base.n_layer} layers x {base.n_head} heads, "
        f"width {base.d_model}, context {base.context}, {base.steps} steps of "
        f"{base.batch_size} sequences = {scale['tokens_per_run']:,} tokens, {len(seeds)} seeds, "
        f"{base.tokenizer}-level {base.corpus}): the claim is **{v}**. " + text
    )
    return Comparison(
        target_loss=target_loss,
        target_source=source,
        baseline=baseline,
        scale=scale,
        policies=summaries,
        paired=paired,
        runs=results,
        verdict=v,
        verdict_text=text,
        config={"base": base.to_dict(), "policies": names, "seeds": seeds, "margin": margin},
        control=control,
    )


def _claim_name(specs: list[PolicySpec]) -> str | None:
    """The row that carries the claim: plain ``critical`` if present, else the
    first ``critical`` spec."""
    crit = [sp.name for sp in specs if sp.policy == CLAIM_POLICY]
    if CLAIM_POLICY in crit:
        return CLAIM_POLICY
    return crit[0] if crit else None
