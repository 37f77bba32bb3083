"""``isingformer phases``: phase transitions of language models (issue 16) —
the output-distribution transition detector (``detect``) and the MLP blocks as a
layered spin model over training (``spin``)."""

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

phases_app = typer.Typer(help="Phase transitions of language models.", no_args_is_help=True)


def _human(r: dict) -> str:
    lines = [
        f"{r['source']}: {r['parameter']} over {len(r['grid'])} points, {r['n_prompts']} prompts"
    ]
    for p in r["peaks"]:
        lines.append(
            f"peak ({p['indicator']}): {p['value']:.4g}  "
            + (
                f"95% CI [{p['ci'][0]:.4g}, {p['ci'][1]:.4g}] (t over prompts + step/4; one more "
                f"grid step [{p['ci_widened'][0]:.4g}, {p['ci_widened'][1]:.4g}])"
                if p["ci"] is not None
                else f"(no interval: {r['n_prompts']} prompt(s))"
            )
            + ("  (at the grid edge)" if p["at_edge"] else "")
        )
    for v in r["validated_on"]:
        lines.append(
            f"validation {v['system']}: expected {v['expected']:.4g}, found {v['found']:.4g} "
            f"[{v['ci'][0]:.4g}, {v['ci'][1]:.4g}] {'ok' if v['agrees'] else 'MISSED'}"
        )
    return "\n".join(lines)


@phases_app.command("detect")
def detect_cmd(
    checkpoint: Path = typer.Option(
        None, "--checkpoint", help="A GPT checkpoint of `isingformer train` (checkpoint.pt)."
    ),
    model: Path = typer.Option(
        None, "--model", help="Local Hugging Face causal LM directory (no download)."
    ),
    checkpoints: Path = typer.Option(
        None,
        "--checkpoints",
        help="--parameter step: directory of GPT checkpoints (*.pt, >= 5) of one training run.",
    ),
    parameter: str = typer.Option(
        "temperature",
        "--parameter",
        help="temperature (sampling T), beta (factor on every head's own β; 1 = the model), "
        "step (training step: --checkpoints) or prompt (the value put into --template).",
    ),
    grid: str = typer.Option(
        None,
        "--grid",
        help="Control parameter values: START:STOP:NUM or a comma list (>= 5); default "
        "0.25:2.5:19 for temperature and beta; needed for prompt; not used for step.",
    ),
    template: list[str] = typer.Option(
        None,
        "--template",
        help='--parameter prompt: a prompt with the slot {x} for the grid value, e.g. "The year '
        'is {x}. Next year is" (repeatable: the prompts the bootstrap resamples).',
    ),
    templates: Path = typer.Option(
        None,
        "--templates",
        help="--parameter prompt: a UTF-8 file of templates, one per line (blank lines "
        "skipped), used after any --template.",
    ),
    spacing: str = typer.Option(
        "linear",
        "--spacing",
        help="linear, or log: a START:STOP:NUM grid is geometric and the detector works in ln λ.",
    ),
    texts: Path = typer.Option(
        None, "--texts", help="UTF-8 prompt passages for --model (default: a Shakespeare sample)."
    ),
    n_texts: int = typer.Option(16, "--n-texts", help="Number of prompts (1..256)."),
    tokens: int = typer.Option(64, "--tokens", help="Tokens per prompt (every position counts)."),
    n_boot: int = typer.Option(200, "--n-boot", help="Bootstrap resamples over prompts."),
    continuation: int = typer.Option(
        1,
        "--continuation",
        help="Tokens of output compared: 1 = exact next-token distributions; more: sampled "
        "continuations after each prompt (every --parameter).",
    ),
    samples: int = typer.Option(
        64,
        "--samples",
        help="Sampled continuations per prompt and grid point (--continuation > 1).",
    ),
    skip_validation: bool = typer.Option(
        False, "--skip-validation", help="Do not rerun the validation systems (validated_on: [])."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed (prompt windows, bootstrap)."),
    device: str = typer.Option("cpu", "--device", help=DEVICE_OPTION_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Where do the next-token distributions change fastest in T, β, training step or a
    prompt parameter? Peaks with bootstrap CIs."""
    from isingformer.cli._options import spaced_values
    from isingformer.errors import InputError
    from isingformer.phases import detect
    from isingformer.validate import check_count, check_float, check_int

    check_int(n_texts, "n-texts", ge=1, le=256)
    check_int(tokens, "tokens", ge=2, le=1024)
    check_count(n_boot, "n-boot", ceiling=100_000)
    check_int(continuation, "continuation", ge=1, le=256)
    check_int(samples, "samples", ge=2, le=100_000)
    if parameter == "step" and grid is not None:
        raise InputError(
            "--grid is not used with --parameter step: the grid is the training steps of "
            "the checkpoints in --checkpoints (leave --grid out)"
        )
    if parameter == "prompt" and grid is None:
        raise InputError("--parameter prompt needs --grid: the values put into {x}")
    values = None
    if grid is not None or parameter in ("temperature", "beta"):
        gt = None if parameter == "prompt" else 0
        values = spaced_values("0.25:2.5:19" if grid is None else grid, "grid", spacing, gt=gt)
        check_float(max(abs(v) for v in values), "grid", le=1e6 if gt == 0 else 1e15)
    template = list(template or [])
    if templates is not None:
        from isingformer.phases.prompt import read_templates

        template += read_templates(templates)
    check_int(len(template), "template (count)", le=256)
    od = out_dir(out)
    result = detect(
        parameter=parameter,
        grid=values,
        checkpoint=checkpoint,
        model=model,
        texts=None if texts is None else str(texts),
        n_prompts=n_texts,
        tokens=tokens,
        n_boot=n_boot,
        seed=seed,
        validate=not skip_validation,
        spacing=spacing,
        device=device,
        continuation=continuation,
        samples=samples,
        checkpoints=checkpoints,
        templates=template or None,
    )
    if od is not None:
        from isingformer.phases.report import write_detect_report

        result = {**result, "report": str(write_detect_report(result, od))}
    emit(result, as_json, _human(result))


def _human_spin(r: dict) -> str:
    lines = [
        f"bonds: {r['bonds']}; T_c at initialization (closed form, layered): "
        f"{r['tc_init_theory']:.4g}"
    ]

    def fmt(t: dict) -> str:
        out = "—" if t["value"] is None else f"{t['value']:.4g}"
        return out + (f" ± {t['err']:.2g}" if t.get("err") is not None else "")

    tq = r.get("tc_overlap") or []
    for i, (s, t, tap, rs) in enumerate(
        zip(r["steps"], r["tc"], r["tc_tap"], r["tc_rs"], strict=True)
    ):
        q = f"overlap {fmt(tq[i]):<16} " if tq else ""
        lines.append(
            f"step {s:>7}: T_c (MC) pattern {fmt(t):<16} {q}TAP {tap:.4g}   ρ(J∘J)^½ {rs:.4g}"
        )
    if tq:
        lines.append(
            "T_c (MC) pattern: hidden-order susceptibility maximum; overlap: Binder "
            "parameter of q crosses ½ (± sem over seeds)"
        )
    for name in ("powerlaw", "powerlaw_overlap", "powerlaw_tap"):
        pl = r.get(name)
        if pl is not None and pl["exponent"] is not None:
            lines.append(
                f"{name}: T_c ∝ t^α, α = {pl['exponent']:.3g}, 95% CI "
                f"[{pl['ci'][0]:.3g}, {pl['ci'][1]:.3g}] (n = {pl['n']})"
            )
    return "\n".join(lines)


@phases_app.command("spin")
def spin_cmd(
    checkpoints: Path = typer.Option(
        ..., "--checkpoints", help="Directory of GPT checkpoints (*.pt) of one training run."
    ),
    sweeps: int = typer.Option(
        600, "--sweeps", help="Replica-exchange sweeps per seed and checkpoint (half burn-in)."
    ),
    ladder_size: int = typer.Option(24, "--ladder-size", help="Temperatures of the ladder."),
    seeds: int = typer.Option(3, "--seeds", help="Number of Monte Carlo seeds (a count)."),
    seed: int = typer.Option(0, "--seed", help="First Monte Carlo seed."),
    bonds: str = typer.Option(
        "mlp", "--bonds", help="mlp | mlp+attention: the weights that are bonds (see docs)."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """The MLP blocks as a layered spin model: P(q), hidden order and T_c over training."""
    from isingformer.cli._common import write_json
    from isingformer.phases.spin_study import spin_study
    from isingformer.validate import check_count, check_int

    check_count(sweeps, "sweeps", ceiling=1_000_000)
    check_int(ladder_size, "ladder-size", ge=3, le=256)
    check_count(seeds, "seeds", ceiling=64)
    check_int(seed, "seed", ge=0, le=2**31 - 1 - seeds)
    from isingformer.errors import InputError
    from isingformer.phases.spin import BONDS

    if bonds not in BONDS:
        raise InputError(f"--bonds must be one of {' | '.join(BONDS)}, not {bonds!r}")
    od = out_dir(out)
    result = spin_study(
        checkpoints,
        sweeps=sweeps,
        seeds=tuple(range(seed, seed + seeds)),
        n_temps=ladder_size,
        bonds=bonds,
    )
    if od is not None:
        from isingformer.phases.report import write_spin_report

        write_json(od / "spin.json", result)
        result = {**result, "report": str(write_spin_report(result, od))}
    emit(result, as_json, _human_spin(result))


def register(app: typer.Typer) -> None:
    """Attach ``isingformer phases`` to the root app."""
    app.add_typer(phases_app, name="phases")
