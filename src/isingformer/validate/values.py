"""Validated scalar and list values for options and fields.

Every check goes through pydantic (the project's one validation library) and
fails with an :class:`~isingformer.errors.InputError` whose message names the
option or field and says what is allowed.
"""

from __future__ import annotations

import math
import numbers
from functools import lru_cache
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from isingformer.errors import InputError

__all__ = [
    "MAX_LIST",
    "SEED_MAX",
    "check_count",
    "check_float",
    "check_int",
    "check_seed",
    "parse_values",
    "seeded_rng",
]

SEED_MAX = 2**63 - 1
INT_MAX = 2**63 - 1
MAX_LIST = 100_000  # longest grid or list an option may expand to


def _label(name: str) -> str:
    return name if name.startswith("-") or "." in name or " " in name else f"--{name}"


@lru_cache(maxsize=256)
def _adapter(kind: type, ge: Any, le: Any, gt: Any, lt: Any) -> TypeAdapter:
    extra = {"allow_inf_nan": False} if kind is float else {}
    return TypeAdapter(Annotated[kind, Field(ge=ge, le=le, gt=gt, lt=lt, strict=True, **extra)])


def _check(kind: type, value: Any, name: str, ge=None, le=None, gt=None, lt=None) -> Any:
    if kind is int and isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = int(value)  # numpy integers from library callers (np.bool_ is not Integral)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > 1e308:
            raise InputError(f"{_label(name)}: {value} is too large")
        value = float(value)
    try:
        return _adapter(kind, ge, le, gt, lt).validate_python(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        shown = "nan" if isinstance(value, float) and math.isnan(value) else repr(value)
        msg = err["msg"].lower()
        for key, op in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
            if key in (err.get("ctx") or {}):
                msg = f"must be {op} {err['ctx'][key]:.6g}"
        raise InputError(f"{_label(name)}: {msg}, got {shown[:60]}") from None


def check_float(
    value: Any,
    name: str,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> float:
    """A finite float within the given bounds (``ge``/``gt`` below, ``le``/``lt``
    above); NaN and ±inf are always refused. ``name`` is the option (``"beta"``
    → ``--beta``) or field (``"spec.M"``) shown in the message."""
    return _check(float, value, name, ge, le, gt, lt)


def check_int(
    value: Any,
    name: str,
    *,
    ge: int | None = -INT_MAX,
    le: int | None = INT_MAX,
) -> int:
    """A true integer (booleans refused) in ``[ge, le]`` (default: 64-bit)."""
    return _check(int, value, name, ge, le)


def check_seed(value: Any, name: str = "seed") -> int:
    """A seed: an integer ``0 <= s < 2**63``."""
    return _check(int, value, name, 0, SEED_MAX)


def seeded_rng(seed: Any):
    """A numpy ``Generator``: ``seed`` itself if it is one, else
    ``default_rng(seed)`` with an integer seed checked by :func:`check_seed`
    (other seed material, e.g. a ``SeedSequence``, is passed through)."""
    import numpy as np

    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed(seed) if isinstance(seed, numbers.Integral) else seed)


def check_count(value: Any, name: str, *, ceiling: int, minimum: int = 1) -> int:
    """A count: an integer in ``[minimum, ceiling]`` (the ceiling is stated in
    the message so a user knows the largest accepted value)."""
    return _check(int, value, name, minimum, ceiling)


def parse_values(
    text: str,
    name: str,
    *,
    kind: type = float,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    sort: bool = True,
    max_len: int = MAX_LIST,
) -> list:
    """Parse a set of values given as a grid ``START:STOP:NUM`` (inclusive,
    ``NUM`` linear points) or a comma list ``a,b,c``, per docs/cli.md.

    Every value is checked (finite, within bounds, of ``kind`` int or float);
    duplicates are refused; the result is sorted ascending when ``sort``
    (order has no meaning) and has at most ``max_len`` entries.

    Returns:
        list of ``kind``, length ``1..max_len``.
    """
    label = _label(name)
    if kind is int:  # a 64-bit integer at most, whatever the caller's bounds
        ge = -INT_MAX if ge is None else max(ge, -INT_MAX)
        le = INT_MAX if le is None else min(le, INT_MAX)
    text = str(text).strip()
    if not text:
        raise InputError(f"{label}: the list is empty")
    if ":" in text:
        values = _grid(text, label, kind, max_len)
    else:
        tokens = [t.strip() for t in text.split(",")]
        if any(not t for t in tokens):
            raise InputError(f"{label}: empty entry in the list {text[:60]!r}")
        if len(tokens) > max_len:
            raise InputError(f"{label}: {len(tokens)} values, at most {max_len} allowed")
        values = [_number(t, label, kind) for t in tokens]
    values = [_check(kind, v, name, ge, le, gt, lt) for v in values]
    if len(set(values)) != len(values):
        raise InputError(f"{label}: duplicate values in {text[:60]!r}")
    return sorted(values) if sort else values


def _number(token: str, label: str, kind: type) -> Any:
    if len(token) > 40:
        raise InputError(f"{label}: the value {token[:20]!r}... is too long")
    try:
        if kind is int:
            return int(token)
        return float(token)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise InputError(f"{label}: expected {what}, got {token!r}") from None


def _grid(text: str, label: str, kind: type, max_len: int) -> list:
    parts = text.split(":")
    if len(parts) != 3:
        raise InputError(f"{label}: expected START:STOP:NUM or a comma list, got {text[:60]!r}")
    start, stop = (_number(p.strip(), label, kind) for p in parts[:2])
    num = _number(parts[2].strip(), label, int)
    if not 1 <= num <= max_len:
        raise InputError(f"{label}: NUM must be in 1..{max_len}, got {num}")
    for v in (start, stop):
        if not math.isfinite(v):
            raise InputError(f"{label}: grid ends must be finite numbers")
    if num == 1:
        if start != stop:
            raise InputError(f"{label}: a grid of 1 point needs START == STOP")
        return [start]
    if stop <= start:
        raise InputError(f"{label}: the grid must ascend (START < STOP), got {text[:60]!r}")
    step = (stop - start) / (num - 1)
    values = [start + i * step for i in range(num - 1)] + [stop]
    if kind is int:
        if any(abs(v - round(v)) > 1e-9 for v in values):
            raise InputError(f"{label}: the integer grid {text!r} does not fall on integers")
        values = [round(v) for v in values]
    return values
