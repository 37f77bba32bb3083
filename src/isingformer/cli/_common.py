"""Shared parsing and printing for the thin CLI layer."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from isingformer.errors import InputError

JSON_OPTION_HELP = "Print only one JSON object on stdout."
OUT_OPTION_HELP = "Directory for reports, figures and the results store."


def parse_int_list(text: str, name: str, minimum: int | None = None) -> list[int]:
    """Parse ``"16,64,256"`` into integers, with a clear error."""
    try:
        values = [int(tok) for tok in text.split(",") if tok.strip()]
    except ValueError:
        raise InputError(f"--{name}: expected comma-separated integers, got {text!r}") from None
    if not values:
        raise InputError(f"--{name}: the list is empty")
    if minimum is not None and min(values) < minimum:
        raise InputError(f"--{name}: every value must be >= {minimum}, got {min(values)}")
    return values


def parse_float_list(text: str, name: str) -> list[float]:
    try:
        values = [float(tok) for tok in text.split(",") if tok.strip()]
    except ValueError:
        raise InputError(f"--{name}: expected comma-separated numbers, got {text!r}") from None
    if not values:
        raise InputError(f"--{name}: the list is empty")
    return values


def parse_grid(text: str, name: str = "betas", *, positive: bool = True) -> np.ndarray:
    """Parse ``START:STOP:NUM`` (linear grid, inclusive) into an array."""
    parts = text.split(":")
    if len(parts) != 3:
        raise InputError(f"--{name}: expected START:STOP:NUM, got {text!r}")
    try:
        start, stop, num = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise InputError(f"--{name}: expected START:STOP:NUM, got {text!r}") from None
    if num < 1:
        raise InputError(f"--{name}: the grid is empty (NUM = {num})")
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise InputError(f"--{name}: grid ends must be finite")
    if positive and (start <= 0 or stop <= 0):
        raise InputError(f"--{name}: grid values must be positive, got {start}..{stop}")
    return np.linspace(start, stop, num)


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
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "tolist") and hasattr(obj, "detach"):  # torch tensor
        return to_jsonable(obj.detach().cpu().tolist())
    return obj


def emit(result: dict[str, Any], as_json: bool, human: str | None = None) -> None:
    """Print ``result`` as one JSON object (``--json``) or a human summary."""
    if as_json:
        sys.stdout.write(json.dumps(to_jsonable(result), allow_nan=False) + "\n")
    else:
        sys.stdout.write(
            (human if human is not None else json.dumps(to_jsonable(result), indent=2)) + "\n"
        )
    sys.stdout.flush()


def out_dir(path: Path | None) -> Path | None:
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out: cannot create directory {path}: {exc.strerror}") from None
    return path
