"""Export stored points as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

from isingformer.errors import InputError
from isingformer.runs.store import ResultsStore, strict_jsonable

__all__ = ["export_records"]


def _flatten(prefix: str, obj, out: dict) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _flatten(f"{prefix}{k}.", v, out)
    elif isinstance(obj, list):
        out[prefix[:-1]] = json.dumps(obj)
    else:
        out[prefix[:-1]] = obj


def export_records(store: ResultsStore, sweep: str | None = None, fmt: str = "json") -> str:
    """All points (of one sweep, or all) as a JSON array or CSV text. In CSV,
    config and result fields are flattened to ``config.x`` / ``result.y``
    columns; lists are JSON-encoded in one cell. JSON is strict: NaN and
    ±inf are written as ``null``."""
    recs = list(store.records(sweep))
    if sweep is not None and not recs:
        raise InputError(f"no points stored for sweep {sweep!r}")
    if fmt == "json":
        return json.dumps(strict_jsonable([r.__dict__ for r in recs]), indent=1, allow_nan=False)
    if fmt != "csv":
        raise InputError(f"unknown export format {fmt!r}; use csv or json")
    rows = []
    for r in recs:
        row = {
            "sweep": r.sweep,
            "key": r.key,
            "seed": r.seed,
            "version": r.version,
            "started": r.started,
            "seconds": r.seconds,
        }
        _flatten("config.", r.config, row)
        _flatten("result.", r.result, row)
        rows.append(row)
    cols: list[str] = []
    for row in rows:
        cols += [c for c in row if c not in cols]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=cols)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
