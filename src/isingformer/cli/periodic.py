"""``isingformer periodic``: does periodic self-attention remove edge effects,
lengthen correlations, sharpen the C-peak and train better? (seed 000, Remark 7)"""

from __future__ import annotations

from pathlib import Path

import typer

from isingformer.cli._common import JSON_OPTION_HELP, OUT_OPTION_HELP, emit, out_dir


def _fmt(d: dict) -> str:
    if d.get("mean") is None and d.get("beyond_window"):  # ξ longer than its window
        return f"> {d['window']} ({d['beyond_window']} of {d['n']} beyond window)"
    if d.get("mean") is None:
        return "n/a"
    ci = d.get("ci")
    tail = f" [{ci[0]:.3g}, {ci[1]:.3g}]" if ci else f" (n = {d.get('n')})"
    return f"{d['mean']:.3g}{tail}"


def _human(r: dict) -> str:
    lines = [f"{'bias':>9} {'edge spread':>24} {'ξ':>24} {'θ':>24}"]
    for b in r["biases"]:
        theta = {**b["rounding_exponent"], "mean": b["rounding_exponent"]["value"]}
        lines.append(
            f"{b['name']:>9} {_fmt(b['edge_spread']):>24} "
            f"{_fmt(b['correlation_length']):>24} {_fmt(theta):>24}"
        )
    lines += [f"{k}: {v}" for k, v in r["verdicts"].items()]
    if "encoder" in r:
        lines += [f"{r['encoder']['model']} {k}: {v}" for k, v in r["encoder"]["verdicts"].items()]
    return "\n".join(lines)


def periodic(
    checkpoints: str = typer.Option(
        None,
        "--checkpoints",
        help="none=DIR1,alibi=DIR2,periodic=DIR3: each DIR a checkpoint.pt of "
        "`isingformer train` or one per seed in subdirectories (default: train "
        "tiny models here, the training comparison of none, alibi, periodic linear "
        "and exponential f x sqrt_dk, critical β).",
    ),
    seeds: int = typer.Option(
        3, "--seeds", help="Seeds per bias row and β policy when training here (1..16)."
    ),
    seed: int = typer.Option(0, "--seed", help="Base seed of the models trained here."),
    steps: int = typer.Option(
        300, "--steps", help="Training steps per model when training here (1..100000)."
    ),
    decay: str = typer.Option(
        "linear",
        "--decay",
        help="f of the periodic models whose edges, ξ and rounding are measured: "
        "linear (−m d) or exponential (A(e^(−m d) − 1)); both are trained.",
    ),
    n_texts: int = typer.Option(
        8, "--n-texts", help="Validation windows per model for the measures (1..256)."
    ),
    model: str = typer.Option(
        None,
        "--model",
        help="Also add the biases at analysis time to a Hugging Face encoder: a local "
        "directory or `minilm` (the packaged MiniLM); 16 passages of 64 tokens in 4 groups.",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Periodic vs ALiBi vs no positional bias: edges, ξ, rounding, training, with verdicts."""
    from isingformer.errors import InputError
    from isingformer.periodic.experiment import periodic_study
    from isingformer.periodic.study import find_checkpoints, parse_checkpoints
    from isingformer.validate import check_count

    check_count(seeds, "seeds", ceiling=16)
    check_count(steps, "steps", ceiling=100_000)
    check_count(n_texts, "n-texts", ceiling=256)
    paths, shape = None, {"models": 0, "heads": 0, "keys": 0}
    if checkpoints is not None:
        from isingformer.lm import resume_config

        paths = parse_checkpoints(checkpoints)
        for p in paths.values():
            found = find_checkpoints(p)  # fail now, before any work
            cfg = resume_config(found[0])
            shape["models"] += len(found)
            shape["heads"] = max(shape["heads"], cfg.n_layer * cfg.n_head)
            shape["keys"] = max(shape["keys"], cfg.context)
    if model is not None and model != "minilm" and not Path(model).is_dir():
        raise InputError(f"--model: {model!r} is neither `minilm` nor a local directory")
    if model is not None and model != "minilm" and not (Path(model) / "config.json").is_file():
        # checked before the models are trained, so no work is lost at the end
        raise InputError(
            f"--model: {model!r} has no config.json (not a Hugging Face model directory)"
        )
    if decay not in ("linear", "exponential"):
        raise InputError(f"--decay must be 'linear' or 'exponential', got {decay!r}")
    from isingformer.periodic.budget import check_study_budget

    check_study_budget(
        seeds=seeds,
        steps=steps,
        windows=n_texts,
        trained_here=paths is None,
        encoder=model is not None,
        **shape,
    )
    od = out_dir(out)
    from isingformer.runs import store_for

    with store_for(od, None) as st:
        result = periodic_study(
            paths,
            seeds=seeds,
            seed=seed,
            steps=steps,
            n_windows=n_texts,
            work_dir=None if od is None else od / "models",
            decay=decay,
            store=st,
        )
    if model is not None:
        from isingformer.periodic.experiment import encoder_result

        result["encoder"] = encoder_result(model, n_texts=16, max_tokens=64, groups=4)
    if od is not None:
        from isingformer.periodic.report import write_periodic_report

        result = {**result, "report": str(write_periodic_report(result, od))}
    emit(result, as_json, _human(result))


def register(app: typer.Typer) -> None:
    """Attach ``isingformer periodic`` to the root app."""
    app.command("periodic")(periodic)
