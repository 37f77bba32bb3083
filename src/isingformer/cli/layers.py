"""``isingformer layers``: layer Hamiltonians, commutators, the Trotter error
and the A1–A3 verdict of seed 000 §4, measured on a real model."""

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

_STORE_HELP = "Results store (default: OUT/runs.sqlite with --out)."


def _human(r: dict) -> str:
    eps = r["epsilon"]
    lines = [
        f"{r['model']}: {r['n_layers']} layers x {r['n_heads']} heads, {r['n_passages']} passages "
        f"of {r['n_tokens']:.0f} tokens, β_model = {r['beta_model']:.4g}",
        f"ε = max‖[H⁽ˡ⁾,H⁽ˡ'⁾]‖ = {eps['max']:.4g} (median {eps['median']:.4g}), "
        f"M = {r['norm_max']:.4g}, β·M·L = {r['a3_product']:.4g}",
        f"{'β':>10} {'log10 rel':>10} {'BCH2 rel':>10} {'rollout TV':>10}",
    ]
    for e in r["errors"]:
        lines.append(
            f"{e['beta']:10.4g} {e['product_vs_sum_log10']['median']:10.3f} "
            f"{e['bch2_rel']:10.3g} {e['rollout_tv']:10.3g}"
        )
    lines += [f"{k}: {v}" for k, v in r["verdict"].items()]
    return "\n".join(lines)


def layers(
    model: Path = typer.Option(
        None, "--model", help="Local Hugging Face model directory (default: packaged MiniLM)."
    ),
    checkpoint: Path = typer.Option(
        None, "--checkpoint", help="A GPT checkpoint of `isingformer train` (checkpoint.pt)."
    ),
    random_init: bool = typer.Option(
        False, "--random-init", help="Control: the same shapes with fresh random weights."
    ),
    texts: Path = typer.Option(
        None, "--texts", help="UTF-8 text file (default: a fixed Shakespeare sample)."
    ),
    n_texts: int = typer.Option(16, "--n-texts", help="Number of passages (1..256)."),
    max_tokens: int = typer.Option(128, "--max-tokens", help="Tokens per passage (2..1024)."),
    betas: str = typer.Option(
        None,
        "--betas",
        help="β values: START:STOP:NUM or a comma list (default: 32 log-spaced, "
        "1e-6..4 x the model's β).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed (text sample offsets, random init)."),
    device: str = typer.Option("cpu", "--device", help=DEVICE_OPTION_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    store: Path = typer.Option(None, "--store", help=_STORE_HELP),
) -> None:
    """Do the attention layers compose into one Ising model? A1–A3 and the error measured."""
    from isingformer.errors import InputError
    from isingformer.layers.study import layers_study
    from isingformer.runs import store_for
    from isingformer.validate import check_int, parse_values

    check_int(n_texts, "n-texts", ge=1, le=256)
    check_int(max_tokens, "max-tokens", ge=2, le=1024)
    grid = None
    if betas is not None:
        grid = parse_values(betas, "betas", kind=float, gt=0, le=1e50)  # β² L² ε must stay finite
        if len(grid) < 2:
            raise InputError("--betas needs at least 2 values")
    if model is not None and checkpoint is not None:
        raise InputError("give either --model or --checkpoint, not both")
    od = out_dir(out)
    st = store_for(od, store)
    try:
        result = layers_study(
            model=None if model is None else str(model),
            texts_file=None if texts is None else str(texts),
            checkpoint=None if checkpoint is None else str(checkpoint),
            random_init=random_init,
            n_texts=n_texts,
            max_tokens=max_tokens,
            betas=grid,
            seed=seed,
            device=device,
            store=st,
        )
    finally:
        st.close()
    if od is not None:
        from isingformer.layers.report import write_layers_report

        result = {**result, "report": str(write_layers_report([result], od))}
    emit(result, as_json, _human(result))


def register(app: typer.Typer) -> None:
    """Attach ``isingformer layers`` to the root app."""
    app.command("layers")(layers)
