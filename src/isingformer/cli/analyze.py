"""``isingformer analyze``: the attention phase map of a real model."""

from __future__ import annotations

from pathlib import Path

import typer

from isingformer.cli._common import (
    DEVICE_OPTION_HELP,
    JSON_OPTION_HELP,
    OUT_OPTION_HELP,
    emit,
    out_dir,
    parse_grid,
    parse_int_list,
)


def analyze(
    model: str = typer.Option(
        None,
        "--model",
        help="Hugging Face model directory, or a hub id already in the local cache "
        "(default: packaged MiniLM).",
    ),
    texts: Path = typer.Option(
        None, "--texts", help="UTF-8 text file (default: a fixed Shakespeare sample)."
    ),
    max_tokens: int = typer.Option(128, "--max-tokens", help="Tokens per passage (>= 2)."),
    n_texts: int = typer.Option(32, "--n-texts", help="Number of passages (>= 1)."),
    betas: str = typer.Option(
        None, "--betas", help="Common β grid START:STOP:NUM (default: per head, 0.02..2.5 β_REM)."
    ),
    sizes: str = typer.Option(
        "16,32,64", "--sizes", help="Token counts N for the finite-size scan β*(N); 'none' to skip."
    ),
    max_rows: int = typer.Option(512, "--max-rows", help="Query rows per head for the curves."),
    n_boot: int = typer.Option(100, "--n-boot", help="Bootstrap resamples for error bars."),
    block_rows: int = typer.Option(
        512,
        "--block-rows",
        help="Query rows whose energies are in memory at once (the analysis streams over "
        "blocks: memory grows with block rows x heads x tokens, not tokens^2).",
    ),
    seed: int = typer.Option(0, help="Seed (text sample offsets, row subsets, bootstrap)."),
    device: str = typer.Option("cpu", help=DEVICE_OPTION_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Phase map: per layer and head, β_model against the critical β* of its attention rows."""
    from isingformer.cli._common import write_json
    from isingformer.errors import InputError
    from isingformer.probe import analyze_attention, read_texts
    from isingformer.validate import check_int

    if n_texts < 1:
        raise InputError(f"--n-texts must be >= 1, got {n_texts}")
    if max_tokens < 2:
        raise InputError(f"--max-tokens must be >= 2, got {max_tokens}")
    if n_boot < 0 or max_rows < 2:
        raise InputError("--n-boot must be >= 0 and --max-rows >= 2")
    check_int(block_rows, "block-rows", ge=1, le=1 << 24)
    grid = None
    if betas is not None:
        grid = parse_grid(betas, "betas")
        if len(grid) < 3:
            raise InputError("--betas needs at least 3 points")
    size_list = (
        [] if sizes.strip().lower() in ("", "none") else parse_int_list(sizes, "sizes", minimum=2)
    )
    passages = None if texts is None else read_texts(texts, n=n_texts)
    od = out_dir(out)
    pm = analyze_attention(
        model,
        passages,
        max_tokens=max_tokens,
        n_texts=n_texts,
        betas=grid,
        sizes=size_list,
        max_rows=max_rows,
        n_boot=n_boot,
        seed=seed,
        device=device,
        block_rows=block_rows,
    )
    result = pm.to_dict()
    if od is not None:
        from isingformer.probe.report import phase_map_section
        from isingformer.report import Report

        write_json(od / "phase_map.json", pm.to_dict(curves=True))
        result["report"] = str(
            Report("Attention phase map", pm.config, [phase_map_section(pm)]).write(od)
        )
    lines = [
        f"{pm.model}: {pm.n_layers} layers x {pm.n_heads} heads, {pm.n_tokens} tokens",
        f"{'layer':>5} {'head':>4} {'b_model':>8} {'b_peak':>8} {'err':>7} {'b_c REM':>8} "
        f"{'S/lnN':>6} phase",
    ]
    lines += [
        f"{h.layer:>5} {h.head:>4} {h.beta_model:8.4f} {h.beta_peak:8.4f} {h.beta_peak_err:7.4f} "
        f"{h.beta_c_rem:8.4f} {h.entropy_fraction:6.3f} {h.phase}"
        for h in pm.heads
    ]
    lines.append("phases: " + ", ".join(f"{k} {v}" for k, v in pm.counts().items()))
    emit(result, as_json, "\n".join(lines))


def register(app: typer.Typer) -> None:
    """Attach ``isingformer analyze`` to the root app."""
    app.command("analyze")(analyze)
