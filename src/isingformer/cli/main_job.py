"""``isingformer main-job``: the main job, one report with every part's study.

Named so that it cannot be confused with a subcommand of a group (docs/cli.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from isingformer.cli._common import DEVICE_OPTION_HELP, JSON_OPTION_HELP, emit


def main_job(
    out: Path = typer.Option(
        Path("results"), "--out", help="Directory for report.html and runs.sqlite."
    ),
    full: bool = typer.Option(
        False, "--full", help="Larger sizes (slower); default is the quick job."
    ),
    seed: int = typer.Option(0, help="Random seed."),
    device: str = typer.Option(
        "cpu",
        help=DEVICE_OPTION_HELP + " Used by the lm, layers, phase_map and phases sections; "
        "the others run on the CPU.",
    ),
    only: str = typer.Option(None, help="Comma-separated section names to run."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Run the main job and write OUT/report.html (+ report.md)."""
    from isingformer.jobs import run_main_job

    sections = [s.strip() for s in only.split(",") if s.strip()] if only else None
    path, summary = run_main_job(
        out,
        quick=not full,
        seed=seed,
        device=device,
        only=sections,
        log=lambda m: sys.stderr.write(m + "\n"),
    )
    from isingformer.threads import current_threads

    ok = all(s["ok"] for s in summary.values())
    result = {"report": str(path), "sections": summary, "ok": ok}
    # provenance, as in the report's configuration: enough to rerun it
    result.update(seed=seed, quick=not full, device=device, threads=current_threads())
    emit(result, as_json, f"report: {path}")
    if not ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("main-job")(main_job)
