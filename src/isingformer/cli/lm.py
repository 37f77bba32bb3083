"""``isingformer train`` and ``isingformer compare``: the β-attention GPT."""

from __future__ import annotations

from pathlib import Path

import typer

from isingformer.cli._common import (
    DEVICE_OPTION_HELP,
    JSON_OPTION_HELP,
    OUT_OPTION_HELP,
    emit,
    out_dir,
)
from isingformer.cli._options import DASK_ADDRESS_HELP, EXECUTOR_HELP, check_executor

_HELP = {
    "n_layer": "Transformer layers (default 4).",
    "n_head": "Attention heads per layer (default 4; must divide --d-model).",
    "d_model": "Model width (default 128).",
    "context": "Context length in tokens (default 128).",
    "batch_size": "Sequences per optimizer step (default 32).",
    "lr": "Peak learning rate (default 1e-3; warm-up, then cosine decay to min_lr_ratio).",
    "eval_every": "Evaluate the validation loss every N >= 1 steps (default 50).",
    "tokenizer": "char (default) or bpe.",
    "device": DEVICE_OPTION_HELP,
}
_TRAIN_SECONDS_HELP = (
    "Wall-clock budget in seconds: the first step that ends past it is the last; the "
    "checkpoint is written and the JSON says stopped_early (continue with --resume). "
    "'isingformer --max-seconds' bounds it too."
)
_COMPARE_SECONDS_HELP = (
    "Wall-clock budget in seconds: past it no new run starts; finished runs stay in the "
    "store and the same command resumes (like 'isingformer --max-seconds')."
)
_SET_HELP = "Any config key as KEY=VALUE (YAML value), repeatable, e.g. policy_kwargs={gamma: 1.5}."


def _parse_sets(items: list[str] | None) -> dict:
    import yaml

    from isingformer.errors import InputError

    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set expects KEY=VALUE, got {item!r}")
        try:
            out[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError:
            raise InputError(f"--set {key}: cannot parse value {value!r}") from None
    return out


def _overrides(sets: list[str] | None, **flags) -> dict:
    """CLI flags override --set values, which override the config file."""
    merged = _parse_sets(sets)
    merged.update({k: v for k, v in flags.items() if v is not None})
    return merged


def _refuse_overwrite(out: Path, resume: Path | None) -> None:
    """InputError when ``out/checkpoint.pt`` exists and this run is not the
    continuation of that very file: training would silently replace it."""
    from isingformer.errors import InputError

    existing = out / "checkpoint.pt"
    if not existing.is_file():
        return
    if resume is not None and resume.resolve() == existing.resolve():
        return
    how = (
        f"--resume {existing} continues it"
        if resume is None
        else f"--resume {resume} writes to {existing}, another checkpoint"
    )
    raise InputError(
        f"--out: {existing} exists ({how}); pass --overwrite to replace it, or choose another --out"
    )


def train_cmd(
    policy: str = typer.Option(
        None,
        help="β policy: sqrt_dk, fixed, learned, critical, log_length, qk_norm, annealed; "
        "or a spec NAME:KEY=VALUE,... as in compare (e.g. fixed:beta=8).",
    ),
    steps: int = typer.Option(None, help="Training steps (default 1000)."),
    seed: int = typer.Option(None, help="Seed of weights, data order and dropout (default 0)."),
    bias: str = typer.Option(None, help="Positional bias: none, periodic, alibi."),
    attention: str = typer.Option(
        None, help="Attention kind: beta (default), sdpa, hyperbolic (logits −β d_H)."
    ),
    curvature: float = typer.Option(None, help="κ < 0 of --attention hyperbolic (default -1.0)."),
    manifold: str = typer.Option(
        None, help="Model of --attention hyperbolic: poincare (default) or lorentz."
    ),
    n_layer: int = typer.Option(None, "--n-layer", help=_HELP["n_layer"]),
    n_head: int = typer.Option(None, "--n-head", help=_HELP["n_head"]),
    d_model: int = typer.Option(None, "--d-model", help=_HELP["d_model"]),
    context: int = typer.Option(None, help=_HELP["context"]),
    batch_size: int = typer.Option(None, "--batch-size", help=_HELP["batch_size"]),
    lr: float = typer.Option(None, help=_HELP["lr"]),
    recalibrate_every: int = typer.Option(
        None,
        "--recalibrate-every",
        help="K: re-measure critical β every K steps (0: only at init).",
    ),
    eval_every: int = typer.Option(None, "--eval-every", help=_HELP["eval_every"]),
    checkpoint_every: int = typer.Option(
        None, "--checkpoint-every", help="Checkpoint every N steps (0: at the end)."
    ),
    tokenizer: str = typer.Option(None, help=_HELP["tokenizer"]),
    corpus: str = typer.Option(None, help="'shakespeare' or a .txt file / directory."),
    device: str = typer.Option(None, help=_HELP["device"]),
    config: Path = typer.Option(None, "--config", help="YAML file of config keys."),
    sets: list[str] = typer.Option(None, "--set", help=_SET_HELP),
    resume: Path = typer.Option(
        None, "--resume", help="Continue from this checkpoint (its config, updated by any flags)."
    ),
    overwrite: bool = typer.Option(
        False,
        "--overwrite",
        help="Replace a checkpoint already in OUT (refused without it, unless --resume continues "
        "that very checkpoint).",
    ),
    store: Path = typer.Option(None, help="Results store (default: OUT/runs.sqlite)."),
    max_seconds: float = typer.Option(None, "--max-seconds", help=_TRAIN_SECONDS_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(
        None, "--out", help=OUT_OPTION_HELP + " Default: runs/train-POLICY-seedS."
    ),
) -> None:
    """Train the small β-attention GPT on Shakespeare; checkpoint in OUT."""
    from isingformer.lm.config import load_config
    from isingformer.lm.train import resume_config, train
    from isingformer.runs import store_for
    from isingformer.runs.sweep import time_left

    budget = time_left(max_seconds)  # this option and the root --max-seconds
    spec = None
    if policy is not None and ":" in policy:  # a spec with options, as compare takes them
        from isingformer.lm.specs import parse_policy_spec

        spec = parse_policy_spec(policy)
        policy = spec.policy
    overrides = _overrides(
        sets,
        policy=policy,
        steps=steps,
        seed=seed,
        bias=bias,
        attention=attention,
        curvature=curvature,
        manifold=manifold,
        n_layer=n_layer,
        n_head=n_head,
        d_model=d_model,
        context=context,
        batch_size=batch_size,
        lr=lr,
        recalibrate_every=recalibrate_every,
        eval_every=eval_every,
        checkpoint_every=checkpoint_every,
        tokenizer=tokenizer,
        corpus=corpus,
        device=device,
    )
    if resume is not None:
        from isingformer.lm.config import read_yaml

        file_values = read_yaml(config) if config is not None else {}
        cfg = resume_config(resume, {**file_values, **overrides})
    else:
        cfg = load_config(config, overrides)
    if spec is not None:
        cfg = spec.apply(cfg)
    if out is None:
        out = (
            resume.parent
            if resume is not None
            else Path("runs") / f"train-{cfg.policy}-seed{cfg.seed}"
        )
    if not overwrite:
        _refuse_overwrite(out, resume)
    from isingformer.lm.distributed import ddp_session, detect, write_trace

    env = detect()  # set by torchrun: data-parallel over its ranks
    if env is not None and cfg.batch_size < env.world_size:
        from isingformer.errors import InputError

        raise InputError(
            f"batch_size ({cfg.batch_size}) must be >= the number of ranks ({env.world_size})"
        )
    with ddp_session(env, cfg.device) as dist:
        if dist is None or dist.is_main:
            od = out_dir(out)
            with store_for(od, store) as st:
                r = train(
                    cfg,
                    out=od,
                    resume=resume,
                    store=st,
                    progress=not as_json,
                    dist=dist,
                    max_seconds=budget,
                )
        else:  # only rank 0 writes the checkpoint, the store and the output
            r = train(cfg, out=out, resume=resume, dist=dist, max_seconds=budget)
        write_trace(dist, r)
    if dist is not None and not dist.is_main:
        return
    result = {
        "final_val_loss": r.final_val_loss,
        "steps": r.steps,
        "tokens_per_s": r.tokens_per_s,
        "beta_per_head": r.beta_per_head,
        "checkpoint": r.checkpoint,
        "policy": cfg.policy,
        "seed": cfg.seed,
        "n_params": r.n_params,
        "train_seconds": r.train_seconds,
        "calib_seconds": r.calib_seconds,
        "evals": r.evals,
        "config": cfg.to_dict(),
        "stopped_early": r.stopped_early,
        "stop_reason": r.stop_reason,
        "steps_planned": cfg.steps,
    }
    human = (
        f"policy {cfg.policy}, seed {cfg.seed}: {r.steps} steps, final val loss "
        f"{r.final_val_loss:.4f}, {r.tokens_per_s:,.0f} tokens/s\n"
        f"β per head (layer rows): {[[round(b, 4) for b in row] for row in r.beta_per_head]}\n"
        f"checkpoint: {r.checkpoint}"
    )
    if r.stopped_early:
        result["resume"] = f"isingformer train --resume {r.checkpoint}"
        human += (
            f"\nstopped early (--max-seconds) after {r.steps} of {cfg.steps} steps, not stored; "
            f"continue with: isingformer train --resume {r.checkpoint}"
        )
    emit(result, as_json, human)


def compare_cmd(
    policies: str = typer.Option(
        None,
        help="Comma-separated policy specs NAME[:KEY=VALUE,...], e.g. "
        "'sqrt_dk,critical,fixed:beta=8.0,annealed:target=critical,steps=300,critical:every=50' "
        "(default: the config file's 'policies', else sqrt_dk,critical,learned).",
    ),
    seeds: int = typer.Option(
        3, help="Number K of seeds seed .. seed+K-1, the same for every policy (paired)."
    ),
    seed: int = typer.Option(0, help="Base seed (0 <= seed < 2^63)."),
    steps: int = typer.Option(None, help="Training steps per run (default 1000)."),
    n_layer: int = typer.Option(None, "--n-layer", help=_HELP["n_layer"]),
    n_head: int = typer.Option(None, "--n-head", help=_HELP["n_head"]),
    d_model: int = typer.Option(None, "--d-model", help=_HELP["d_model"]),
    context: int = typer.Option(None, help=_HELP["context"]),
    batch_size: int = typer.Option(None, "--batch-size", help=_HELP["batch_size"]),
    lr: float = typer.Option(None, help=_HELP["lr"]),
    recalibrate_every: int = typer.Option(
        None, "--recalibrate-every", help="K for the critical policy."
    ),
    eval_every: int = typer.Option(None, "--eval-every", help=_HELP["eval_every"]),
    tokenizer: str = typer.Option(None, help=_HELP["tokenizer"]),
    device: str = typer.Option(None, help=_HELP["device"]),
    target_loss: float = typer.Option(
        None, "--target-loss", help="Default: the sqrt_dk mean final val loss."
    ),
    margin: float = typer.Option(0.10, help="Savings below this fraction count as no real cut."),
    config: Path = typer.Option(
        None,
        "--config",
        help="YAML file of config keys, plus 'policies': a list of specs (strings or "
        "mappings {policy: NAME, KEY: VALUE}).",
    ),
    sets: list[str] = typer.Option(None, "--set", help=_SET_HELP),
    executor: str = typer.Option("process", help=EXECUTOR_HELP),
    dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
    workers: int = typer.Option(None, help="Parallel runs (default: CPU count)."),
    store: Path = typer.Option(None, help="Results store (default: OUT/runs.sqlite)."),
    max_seconds: float = typer.Option(None, "--max-seconds", help=_COMPARE_SECONDS_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Compare β policies x seeds (paired) and judge the critical-β claim."""
    from isingformer.errors import InputError
    from isingformer.lm.compare import compare
    from isingformer.lm.config import TrainConfig, apply_overrides, load_config, read_yaml
    from isingformer.lm.specs import parse_policies
    from isingformer.runs import store_for
    from isingformer.runs.sweep import set_time_budget, time_left

    if max_seconds is not None:  # the earlier of this and the root --max-seconds
        set_time_budget(time_left(max_seconds))
    file_values = read_yaml(config) if config is not None else {}
    file_policies = file_values.pop("policies", None)
    if policies is not None:
        if not policies.strip():
            raise InputError("--policies is empty")
        specs = parse_policies(policies)
    elif file_policies is not None:
        specs = parse_policies(file_policies)
    else:
        specs = parse_policies("sqrt_dk,critical,learned")
    if seeds < 1:
        raise InputError(f"--seeds is a count and must be >= 1, got {seeds}")
    if seed + seeds - 1 >= 2**63:  # the last seed of the comparison is seed + seeds - 1
        raise InputError(f"--seed + --seeds - 1 must be < 2^63, got --seed {seed} --seeds {seeds}")
    check_executor(executor)
    base = load_config(
        None,
        _overrides(
            sets,
            steps=steps,
            n_layer=n_layer,
            n_head=n_head,
            d_model=d_model,
            context=context,
            batch_size=batch_size,
            lr=lr,
            recalibrate_every=recalibrate_every,
            eval_every=eval_every,
            tokenizer=tokenizer,
            device=device,
        ),
        base=apply_overrides(TrainConfig(), file_values, source=str(config)),
    )
    for spec in specs:
        spec.apply(base)  # a bad spec -> one clear error before any training
    od = out_dir(out)
    with store_for(od, store) as st:
        c = compare(
            base,
            specs,
            list(range(seed, seed + seeds)),
            target_loss=target_loss,
            store=st,
            executor=executor,
            max_workers=workers,
            run_root=None if od is None else od / "runs",
            progress=not as_json,
            margin=margin,
            dask_address=dask_address,
        )
    result = {
        "target_loss": c.target_loss,
        "target_source": c.target_source,
        "baseline": c.baseline,
        "policies": c.policies,
        "paired": c.paired,
        "verdict": c.verdict,
        "verdict_text": c.verdict_text,
        "scale": c.scale,
        "control": c.control,
        "seed": seed,  # provenance: the seeds seed..seed+K-1 and the full settings
        "config": c.config,
    }
    if od is not None:
        from isingformer.lm.report import comparison_section
        from isingformer.report import Report

        report = Report("Training with dynamic β", c.config, [comparison_section(c)])
        result["report"] = str(report.write(od))
    from isingformer.lm.report import _ci

    lines = [f"target loss {c.target_loss:.4f} ({c.target_source})"]
    width = max(10, *(len(p["name"]) for p in c.policies))
    for p in c.policies:
        s = p["steps_to_target"]
        sm = "-" if s["mean"] is None else f"{s['mean']:.0f}"
        lines.append(
            f"{p['name']:>{width}}: final {_ci(p['final_val_loss'])}  "
            f"steps to target {sm} "
            f"(reached {s['reached']}/{p['n_seeds']})  {p['tokens_per_s']:,.0f} tok/s"
        )
    lines.append(c.verdict_text.replace("**", ""))
    emit(result, as_json, "\n".join(lines))


def register(app: typer.Typer) -> None:
    """Attach ``train``, ``compare``, ``sample`` and ``export-hf`` to the root app."""
    app.command("train")(train_cmd)
    app.command("compare")(compare_cmd)
    app.command("sample")(sample_cmd)
    app.command("export-hf")(export_hf_cmd)


def sample_cmd(
    checkpoint: Path = typer.Option(
        ..., "--checkpoint", help="A checkpoint written by 'isingformer train' (checkpoint.pt)."
    ),
    prompt: str = typer.Option("\n", help="Text to continue (every character in the vocabulary)."),
    tokens: int = typer.Option(200, help="Tokens to generate per sample (>= 1)."),
    temperature: float = typer.Option(
        1.0, help="Sampling temperature of the output softmax (0: greedy)."
    ),
    top_k: int = typer.Option(None, "--top-k", help="Sample among the K most likely tokens."),
    samples: int = typer.Option(1, help="Independent continuations (>= 1)."),
    seed: int = typer.Option(0, help="Seed of the sampling (0 <= seed < 2^63)."),
    device: str = typer.Option("cpu", help=_HELP["device"]),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Generate text from a GPT trained by 'isingformer train'."""
    from isingformer.cli._common import write_json
    from isingformer.lm.sample import load_trained, sample_text

    trained = load_trained(checkpoint, device=device)
    result = sample_text(
        trained,
        prompt,
        tokens,
        temperature=temperature,
        top_k=top_k,
        samples=samples,
        seed=seed,
    )
    result["checkpoint"] = str(checkpoint)
    od = out_dir(out)
    if od is not None:
        write_json(od / "samples.json", result)
    human = "\n\n".join(f"--- sample {i} ---\n{prompt}{t}" for i, t in enumerate(result["texts"]))
    emit(result, as_json, human)


def export_hf_cmd(
    checkpoint: Path = typer.Option(
        ..., "--checkpoint", help="A checkpoint written by 'isingformer train' (checkpoint.pt)."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Directory for the Hugging Face model (config, safetensors, tokenizer)."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Export a trained GPT as a local Hugging Face GPT-2 directory (for analyze, layers)."""
    from isingformer.lm.hf_export import export_hf

    result = export_hf(checkpoint, out)
    human = (
        f"wrote {result['out']} ({result['architecture']}, policy {result['policy']}, "
        f"step {result['step']}); max |Δlogit| vs the checkpoint {result['max_abs_logit_diff']:.2g}"
    )
    emit(result, as_json, human)
