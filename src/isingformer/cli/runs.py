"""``isingformer runs list|show|export``: read the results store."""

from __future__ import annotations

from pathlib import Path

import typer

from isingformer.cli._common import JSON_OPTION_HELP, emit

group = typer.Typer(no_args_is_help=True, help="Inspect and export the results store.")
STORE_HELP = "Results store file (default: $ISINGFORMER_STORE, else results/runs.sqlite)."
DEFAULT_STORE = Path("results/runs.sqlite")


def _path(store: Path | None) -> Path:
    """``--store``, else ``$ISINGFORMER_STORE`` (where the sweeps write without
    ``--out``/``--store``), else ``results/runs.sqlite``."""
    from isingformer.runs.store import env_store

    if store is not None:
        return store
    return Path(env_store() or DEFAULT_STORE)


def _open(store: Path | None):
    from isingformer.runs import ResultsStore

    return ResultsStore.open(_path(store), read_only=True)


@group.command("list")
def list_(
    store: Path = typer.Option(None, help=STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """List the sweeps in the store with their point counts."""
    from isingformer.runs.frames import iso_utc

    with _open(store) as st:
        sweeps = st.sweeps()
    for s in sweeps:  # times as ISO 8601 UTC text, as in runs show and runs export
        s["first_started"], s["last_finished"] = (
            iso_utc(s["first_started"]),
            iso_utc(s["last_finished"]),
        )
    lines = [f"{s['sweep']:<32} {s['points']:>6} points {s['seconds']:9.1f} s" for s in sweeps]
    emit(
        {"store": str(_path(store)), "sweeps": sweeps}, as_json, "\n".join(lines) or "(empty store)"
    )


@group.command("show")
def show(
    sweep: str = typer.Argument(..., help="Sweep name, e.g. ensemble.rem"),
    store: Path = typer.Option(None, help=STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Show the points of one sweep (config, timing, result keys)."""
    from isingformer.errors import InputError
    from isingformer.runs.frames import iso_utc

    with _open(store) as st:
        recs = list(st.records(sweep))
    if not recs:
        raise InputError(f"no points stored for sweep {sweep!r}")
    points = [
        {
            "key": r.key,
            "config": r.config,
            "seed": r.seed,
            "version": r.version,
            "started": iso_utc(r.started),
            "finished": iso_utc(r.finished),
            "seconds": r.seconds,
            "result": r.result,
        }
        for r in recs
    ]
    lines = [f"{r.key}  {r.seconds:8.2f} s  {r.config}" for r in recs]
    emit({"sweep": sweep, "points": points}, as_json, "\n".join(lines))


@group.command("export")
def export(
    sweep: str = typer.Argument(None, help="Sweep name (default: all sweeps)."),
    store: Path = typer.Option(None, help=STORE_HELP),
    fmt: str = typer.Option(
        None,
        "--format",
        help="csv | json | parquet (default: from the --output suffix, else csv).",
    ),
    output: Path = typer.Option(
        None, "--output", help="File to write (default: stdout; parquet needs a file)."
    ),
) -> None:
    """Export points as CSV, JSON or Parquet (flattened columns, ISO 8601 UTC times)."""
    from isingformer.errors import InputError
    from isingformer.runs import export_records
    from isingformer.runs.export import FORMATS

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt = suffix if suffix in FORMATS else "csv"
    if fmt == "parquet" and output is None:
        raise InputError("--format parquet writes binary data: give --output FILE.parquet")
    with _open(store) as st:
        data = export_records(st, sweep, fmt)
    if output is None:
        typer.echo(data, nl=False)
        return
    try:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--output: cannot write {output}: {exc.strerror}") from None


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="runs")
