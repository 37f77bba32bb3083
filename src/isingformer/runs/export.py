"""Export stored points as CSV, JSON or Parquet.

- **CSV**: one row per point, columns ``sweep, key, seed, version, started,
  finished, seconds`` then the flattened ``config.*`` and ``result.*`` fields
  (nested dicts with dots, lists one column per entry: ``result.e0.0``, …);
  times in ISO 8601 UTC; every cell a plain value, never JSON text.
- **JSON**: an array of ``{sweep, key, seed, version, started, finished,
  seconds, config, result}`` with the nesting kept, ISO 8601 UTC times and
  strict JSON (NaN as ``null``, ±inf as ``"inf"``/``"-inf"``: docs/cli.md).
- **Parquet** (pyarrow): the CSV columns, except that lists of numbers stay
  list columns and times are ``timestamp[UTC]``.
"""

from __future__ import annotations

import io
import json

from isingformer.errors import InputError
from isingformer.runs.frames import POINT_COLUMNS, iso_utc, points_frame
from isingformer.runs.store import ResultsStore, strict_jsonable

__all__ = ["FORMATS", "export_records"]

FORMATS = ("csv", "json", "parquet")


def export_records(store: ResultsStore, sweep: str | None = None, fmt: str = "json") -> str | bytes:
    """All points (of one sweep, or all) as CSV or JSON text, or Parquet bytes.

    Raises :class:`InputError` for an unknown format or a sweep with no points.
    """
    if fmt not in FORMATS:
        raise InputError(f"--format: unknown export format {fmt!r}; use {', '.join(FORMATS)}")
    recs = list(store.records(sweep))
    if sweep is not None and not recs:
        raise InputError(f"no points stored for sweep {sweep!r}")
    if fmt == "json":
        rows = []
        for r in recs:
            row = {c: getattr(r, c) for c in POINT_COLUMNS}
            row["started"] = iso_utc(r.started)
            row["finished"] = iso_utc(r.finished)
            rows.append({**row, "config": r.config, "result": r.result})
        return json.dumps(strict_jsonable(rows), indent=1, allow_nan=False)
    if fmt == "csv":
        frame = points_frame(recs, expand_lists=True)
        for c in ("started", "finished"):
            frame[c] = [_iso_ts(t) for t in frame[c]]
        return frame.to_csv(index=False, lineterminator="\n")
    frame = points_frame(recs)
    buf = io.BytesIO()
    try:
        frame.to_parquet(buf, index=False, engine="pyarrow")
    except (TypeError, ValueError, ArithmeticError) as exc:  # pyarrow: mixed-type lists
        if "pyarrow" not in type(exc).__module__:
            raise
        buf = io.BytesIO()
        points_frame(recs, expand_lists=True).to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()


def _iso_ts(ts) -> str | None:
    import pandas as pd

    return None if ts is None or pd.isna(ts) else ts.isoformat()
