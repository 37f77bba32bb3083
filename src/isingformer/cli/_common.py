"""Shared parsing and printing for the thin CLI layer."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from isingformer.errors import InputError
from isingformer.runs.store import strict_jsonable
from isingformer.validate import parse_values

JSON_OPTION_HELP = "Print only one JSON object on stdout."
OUT_OPTION_HELP = "Directory for reports, figures and the results store."
#: what ``_guard.check_device`` accepts (and needs present), the same on every command
DEVICE_OPTION_HELP = (
    "Torch device: cpu (default), cuda, cuda:N or mps; one not present is an error."
)


def parse_int_list(
    text: str, name: str, minimum: int | None = None, maximum: int | None = None
) -> list[int]:
    """Parse ``"16,64,256"`` (or a grid ``8:64:8``) into sorted distinct integers
    within ``[minimum, maximum]``, with a clear error (see docs/cli.md)."""
    return parse_values(text, name, kind=int, ge=minimum, le=maximum)


def parse_float_list(
    text: str, name: str, minimum: float | None = None, maximum: float | None = None
) -> list[float]:
    """Parse ``"2.2,2.27,2.3"`` (or a grid) into sorted distinct finite numbers."""
    return parse_values(text, name, kind=float, ge=minimum, le=maximum)


def parse_grid(text: str, name: str = "betas", *, positive: bool = True) -> np.ndarray:
    """Parse ``START:STOP:NUM`` (linear, inclusive, ascending) or a comma list
    into a sorted array of distinct finite values (``> 0`` if ``positive``).

    Returns:
        float array, shape ``(NUM,)``.
    """
    return np.asarray(parse_values(text, name, kind=float, gt=0 if positive else None))


def to_jsonable(obj: Any) -> Any:
    """Convert numpy/torch scalars and arrays, dataclasses and paths to JSON types."""
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float):
        return strict_jsonable(obj)  # NaN -> null, ±inf -> "inf"/"-inf"
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "tolist") and hasattr(obj, "detach"):  # torch tensor
        return to_jsonable(obj.detach().cpu().tolist())
    return obj


def json_text(obj: Any, indent: int | None = None) -> str:
    """``obj`` as strict JSON text by the one rule of docs/cli.md ("JSON
    output"): NaN is ``null``, ±inf the strings ``"inf"``/``"-inf"``. Every
    JSON the CLI prints or writes goes through here."""
    return json.dumps(to_jsonable(obj), indent=indent, allow_nan=False)


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` to ``path`` as indented strict JSON (see :func:`json_text`)."""
    path.write_text(json_text(obj, indent=2) + "\n", encoding="utf-8")


def emit(result: dict[str, Any], as_json: bool, human: str | None = None) -> None:
    """Print ``result`` as one JSON object (``--json``) or a human summary."""
    if as_json:
        sys.stdout.write(json_text(result) + "\n")
    else:
        sys.stdout.write((human if human is not None else json_text(result, indent=2)) + "\n")
    sys.stdout.flush()


def out_dir(path: Path | None) -> Path | None:
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out: cannot create directory {path}: {exc.strerror}") from None
    return path
