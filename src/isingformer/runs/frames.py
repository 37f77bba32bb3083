"""Results as pandas data frames: stored points, sweep results, phase maps and
comparisons (the researcher's API; pandas is imported inside the functions).

Column names flatten nested dicts with dots (``config.L``, ``result.binder.mean``);
lists of numbers stay lists in one cell (a Parquet list column) unless
``expand_lists`` asks for one column per entry (``result.e0.0``, ``result.e0.1``,
…, which is what CSV gets); times are timezone-aware UTC timestamps.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["flatten", "iso_utc", "points_frame", "rows_frame", "to_dataframe", "utc_time"]

POINT_COLUMNS = ("sweep", "key", "seed", "version", "started", "finished", "seconds")


def utc_time(epoch_seconds: float | None) -> datetime | None:
    """Epoch seconds -> timezone-aware UTC :class:`datetime` (``None`` stays ``None``)."""
    if epoch_seconds is None or not math.isfinite(float(epoch_seconds)):
        return None
    return datetime.fromtimestamp(float(epoch_seconds), tz=UTC)


def iso_utc(epoch_seconds: float | None) -> str | None:
    """Epoch seconds -> ISO 8601 UTC text, as every JSON output gives times."""
    t = utc_time(epoch_seconds)
    return None if t is None else t.isoformat()


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # numpy scalar
        return _clean(value.item())
    return value


def flatten(obj: Any, prefix: str = "", *, expand_lists: bool = False) -> dict[str, Any]:
    """Flatten nested dicts into ``{"a.b.c": value}``.

    Lists of dicts are always expanded by index (``a.0.b``); lists of plain
    values stay one list-valued entry, or are expanded by index with
    ``expand_lists``. NaN and ±inf become ``None``.
    """
    out: dict[str, Any] = {}
    _flatten_into(obj, prefix, out, expand_lists)
    return out


def _flatten_into(obj: Any, prefix: str, out: dict, expand: bool) -> None:
    if hasattr(obj, "tolist") and not isinstance(obj, str | bytes):  # numpy / torch arrays
        obj = obj.tolist()
    if isinstance(obj, dict):
        if not obj and prefix:
            out[prefix] = None
        for k, v in obj.items():
            _flatten_into(v, f"{prefix}.{k}" if prefix else str(k), out, expand)
    elif isinstance(obj, list | tuple):
        nested = any(isinstance(v, dict | list | tuple) for v in obj)
        if expand or nested:
            if not obj:
                out[prefix] = None
            for i, v in enumerate(obj):
                _flatten_into(v, f"{prefix}.{i}", out, expand)
        else:
            out[prefix] = [_clean(v) for v in obj]
    else:
        out[prefix] = _clean(obj)


def rows_frame(rows: Iterable[dict], *, expand_lists: bool = False) -> pd.DataFrame:
    """A data frame with one row per dict, nested keys flattened to dotted
    columns (columns in first-seen order).

    Returns:
        ``pandas.DataFrame`` of shape ``[len(rows), n_columns]``.
    """
    import pandas as pd

    flat = [flatten(r, expand_lists=expand_lists) for r in rows]
    cols: dict[str, None] = {}
    for row in flat:
        cols.update(dict.fromkeys(row))
    return pd.DataFrame(flat, columns=list(cols))


def points_frame(records: Iterable, *, expand_lists: bool = False) -> pd.DataFrame:
    """Stored points (:class:`isingformer.runs.PointRecord`) as a data frame:
    ``sweep, key, seed, version, started, finished, seconds`` (``started`` and
    ``finished`` as UTC timestamps), then ``config.*`` and ``result.*``."""
    import pandas as pd

    rows = []
    for r in records:
        row = {c: getattr(r, c) for c in POINT_COLUMNS}
        row["started"], row["finished"] = utc_time(r.started), utc_time(r.finished)
        rows.append({**row, "config": r.config, "result": r.result})
    frame = rows_frame(rows, expand_lists=expand_lists)
    if frame.empty:
        return pd.DataFrame(columns=list(POINT_COLUMNS))
    for c in ("started", "finished"):
        frame[c] = pd.to_datetime(frame[c], utc=True)
    return frame


def to_dataframe(obj: Any, **kwargs: Any) -> pd.DataFrame:
    """One data frame for any result a researcher holds.

    - a :class:`~isingformer.runs.ResultsStore` (``sweep=`` optional): its points;
    - an iterable of :class:`~isingformer.runs.PointRecord`: those points;
    - a phase map (``isingformer.probe.PhaseMap``): one row per (layer, head),
      the model's name and path repeated in every row (``curves=True`` adds the
      list columns ``betas`` and ``mean_heat_capacity``);
    - a comparison (``isingformer.lm.Comparison``): ``kind="runs"`` (default, one
      row per policy spec x seed), ``"evals"`` (the learning curves, one row per
      evaluation of every run), ``"policies"`` or ``"paired"``;
    - a list of dicts (what :func:`~isingformer.runs.run_sweep` returns, or a
      study's ``points``): one row per dict.
    """
    from isingformer.errors import InputError

    if hasattr(obj, "records") and hasattr(obj, "sweeps"):  # a ResultsStore
        return points_frame(obj.records(kwargs.pop("sweep", None)), **kwargs)
    if hasattr(obj, "heads") and hasattr(obj, "n_layers"):  # a PhaseMap
        d = obj.to_dict(curves=kwargs.pop("curves", False))
        meta = {"model": d["model"], "model_path": d["model_path"]}
        return rows_frame([{**meta, **h} for h in d["heads"]], **kwargs)
    if hasattr(obj, "paired") and hasattr(obj, "policies") and hasattr(obj, "runs"):
        return _comparison_frame(obj, kwargs.pop("kind", "runs"), **kwargs)
    if isinstance(obj, list | tuple):
        if obj and all(hasattr(r, "sweep") and hasattr(r, "result") for r in obj):
            return points_frame(obj, **kwargs)
        if all(isinstance(r, dict) for r in obj):
            return rows_frame(obj, **kwargs)
    raise InputError(
        f"to_dataframe: cannot tabulate a {type(obj).__name__}; give a ResultsStore, "
        "stored points, a PhaseMap, a Comparison or a list of dicts"
    )


_CURVES = ("evals", "train_losses", "beta_log")


def _comparison_frame(c: Any, kind: str, **kwargs: Any) -> pd.DataFrame:
    from isingformer.errors import InputError

    if kind == "runs":  # one row per (policy spec, seed); the curves are kind="evals"
        rows = [{k: v for k, v in r.items() if k not in _CURVES} for r in c.runs]
        return rows_frame(rows, **kwargs)
    if kind == "evals":  # long format: one row per evaluation of every run
        rows = [
            {"name": r.get("name"), "policy": r.get("policy"), "seed": r.get("seed"), **e}
            for r in c.runs
            for e in r.get("evals", [])
        ]
        return rows_frame(rows, **kwargs)
    if kind in ("policies", "paired"):
        return rows_frame(getattr(c, kind), **kwargs)
    raise InputError(f"kind: use runs, evals, policies or paired, got {kind!r}")
