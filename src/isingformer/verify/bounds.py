"""Read the certified numerical bounds ``lo <= expr <= hi`` proved in the Coq sources."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from isingformer.errors import InputError

__all__ = ["certified_bounds"]

_BOUND = re.compile(
    r"Theorem\s+(\w+)\s*:\s*([-+]?\d+(?:\.\d+)?)\s*<=\s*(.+?)\s*<=\s*([-+]?\d+(?:\.\d+)?)\s*\.",
    re.S,
)


def certified_bounds(path: Path) -> dict[str, tuple[Fraction, str, Fraction]]:
    """``{theorem: (lo, expression, hi)}`` for every theorem of the form
    ``Theorem name : lo <= expr <= hi.`` with decimal ``lo`` and ``hi`` in ``path``.
    The bounds are the exact decimals of the source (as fractions), so a
    float constant can be compared with them without rounding."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise InputError(f"cannot read Coq source {path}: {exc.strerror}") from None
    text = re.sub(r"\(\*.*?\*\)", " ", text, flags=re.S)
    return {
        m.group(1): (Fraction(m.group(2)), " ".join(m.group(3).split()), Fraction(m.group(4)))
        for m in _BOUND.finditer(text)
    }
