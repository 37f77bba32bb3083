"""Resource ceilings: estimate memory and work before allocating.

The memory limit defaults to half of this machine's RAM and is set with
``ISINGFORMER_MAX_MEMORY`` (bytes, or with a unit: ``512M``, ``8G``). A
request over the limit is refused with one line that states the estimate and
the limit, before anything is allocated.
"""

from __future__ import annotations

import math
import os

from isingformer.errors import InputError

__all__ = [
    "MEMORY_ENV",
    "MEMORY_FRACTION",
    "WORK_ENV",
    "check_memory",
    "check_work",
    "format_bytes",
    "memory_limit",
    "work_limit",
]

MEMORY_ENV = "ISINGFORMER_MAX_MEMORY"
MEMORY_FRACTION = 0.5
WORK_ENV = "ISINGFORMER_MAX_WORK"
DEFAULT_WORK = 1e12  # elementary updates: hours on one core at ~1e8/s
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def _total_ram() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


def memory_limit() -> int:
    """The memory ceiling in bytes: ``$ISINGFORMER_MAX_MEMORY`` if set, else
    :data:`MEMORY_FRACTION` of the machine's RAM."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if not raw:
        return int(MEMORY_FRACTION * _total_ram())
    text = raw.upper().removesuffix("B").removesuffix("I")
    unit = text[-1] if text and text[-1] in _UNITS else ""
    try:
        value = float(text[: len(text) - len(unit)] if unit else text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{MEMORY_ENV}={raw!r}: expected a positive size such as 512M or 8G")
    return int(value * _UNITS[unit])


def format_bytes(n: float) -> str:
    """``1536`` → ``'1.5 KiB'``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


def check_memory(estimate_bytes: float, what: str) -> None:
    """Refuse ``what`` if its estimated memory exceeds :func:`memory_limit`.

    Args:
        estimate_bytes: the peak allocation the computation would make.
        what: the inputs that set it, e.g. ``"--size 100000 (L² spins)"``.
    """
    limit = memory_limit()
    if not math.isfinite(estimate_bytes) or estimate_bytes > limit:
        raise InputError(
            f"{what} needs about {format_bytes(estimate_bytes)} of memory, over the limit of "
            f"{format_bytes(limit)}; choose a smaller value or raise {MEMORY_ENV}"
        )


def work_limit() -> float:
    """The work ceiling (elementary operations): ``$ISINGFORMER_MAX_WORK`` if
    set (a number such as ``1e13``), else :data:`DEFAULT_WORK`."""
    raw = os.environ.get(WORK_ENV, "").strip()
    if not raw:
        return DEFAULT_WORK
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{WORK_ENV}={raw!r}: expected a positive number such as 1e13")
    return value


def check_work(units: float, limit: float | None, what: str, unit: str = "operations") -> None:
    """Refuse ``what`` if its estimated work (``units``) exceeds ``limit``
    (``None``: :func:`work_limit`, configurable with ``ISINGFORMER_MAX_WORK``)."""
    limit = work_limit() if limit is None else limit
    if not math.isfinite(units) or units > limit:
        hint = f" or raise {WORK_ENV}" if limit == work_limit() else ""
        raise InputError(
            f"{what} needs about {units:.3g} {unit}, over the ceiling of {limit:.3g}; "
            f"choose a smaller value{hint}"
        )
