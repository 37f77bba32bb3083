"""Option help texts and grid helpers that several command modules share
(the grammar is docs/cli.md)."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DASK_ADDRESS_HELP",
    "EXECUTOR_HELP",
    "STORE_HELP",
    "check_executor",
    "ladder_grid",
    "spaced_values",
    "write_report",
]

EXECUTOR_HELP = "serial | process (local pool) | dask"
DASK_ADDRESS_HELP = (
    "Dask scheduler HOST:PORT for --executor dask (default: $ISINGFORMER_DASK_ADDRESS, "
    "else a local cluster)."
)
STORE_HELP = "Results store (default: OUT/runs.sqlite with --out)."


def check_executor(executor: str) -> None:
    """Refuse an unknown ``--executor`` with the list of valid ones."""
    from isingformer.errors import InputError
    from isingformer.runs import EXECUTORS

    if executor not in EXECUTORS:
        raise InputError(f"--executor: use one of {', '.join(EXECUTORS)}, got {executor!r}")


def spaced_values(text: str, name: str, spacing: str, *, gt: float | None = None) -> list[float]:
    """Values of a plural option: a comma list as given, or a grid
    ``START:STOP:NUM`` spaced linearly (``spacing="linear"``) or geometrically
    (``spacing="log"``, needs ``START > 0``). Sorted ascending, distinct."""
    import numpy as np

    from isingformer.errors import InputError
    from isingformer.validate import parse_values

    if spacing not in ("linear", "log"):
        raise InputError(f"--spacing: use linear or log, got {spacing!r}")
    values = parse_values(text, name, kind=float, gt=gt)
    if spacing == "log" and ":" in str(text) and len(values) > 1:
        if values[0] <= 0:
            raise InputError(f"--{name.replace('_', '-')}: a log grid needs START > 0")
        values = np.geomspace(values[0], values[-1], len(values)).tolist()
    return values


def ladder_grid(text: str, name: str = "temperatures") -> tuple[float, float, int]:
    """A parallel-tempering ladder ``TMIN:TMAX:NUM`` -> ``(TMIN, TMAX, NUM)``; the
    spacing between the ends is the ladder's (geometric or adaptive)."""
    from isingformer.errors import InputError
    from isingformer.validate import parse_values

    label = f"--{name.replace('_', '-')}"
    if ":" not in str(text):
        raise InputError(
            f"{label}: a PT ladder is given as TMIN:TMAX:NUM (its spacing is set by --ladder), "
            f"got {str(text)[:60]!r}"
        )
    values = parse_values(text, name, kind=float, gt=0)
    if len(values) < 2:
        raise InputError(f"{label}: the ladder needs NUM >= 2 temperatures")
    return values[0], values[-1], len(values)


def write_report(od: Path | None, title: str, config: dict, section) -> str | None:
    """Write ``od/report.html`` with one section; ``None`` without ``--out``."""
    if od is None:
        return None
    from isingformer.report import Report

    return str(Report(title, config, [section]).write(od))
