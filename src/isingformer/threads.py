"""The one place that sets intra-op threads (torch, OpenMP, BLAS).

On a small shared machine torch's default intra-op threading makes identical
runs differ in wall time by up to 20x, so every command and the main job call
:func:`set_threads` once, before computing. Resolution order of the count:
the explicit argument (``--threads N``), then the environment variable
``ISINGFORMER_THREADS``, then :func:`default_threads` (1 on machines with at
most 2 cores, otherwise the number of usable cores).

Torch is not imported here: if it is not loaded yet, the OpenMP/BLAS
environment variables it reads at import time are set instead, so
``isingformer --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from isingformer.errors import InputError

__all__ = [
    "ENV_VAR",
    "MAX_THREADS",
    "current_threads",
    "default_threads",
    "one_thread",
    "set_threads",
]

ENV_VAR = "ISINGFORMER_THREADS"
MAX_THREADS = 1024
_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_current: int | None = None


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_threads() -> int:
    """1 on machines with <= 2 usable cores, else the number of usable cores."""
    cores = _usable_cores()
    return 1 if cores <= 2 else cores


def _resolve(n: int | None) -> int:
    if n is None:
        raw = os.environ.get(ENV_VAR, "").strip()
        if not raw:
            return default_threads()
        try:
            n = int(raw)
        except ValueError:
            raise InputError(
                f"{ENV_VAR}={raw!r} is not an integer; set it to a thread count such as 1"
            ) from None
        source = ENV_VAR
    else:
        source = "--threads"
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_THREADS:
        raise InputError(f"{source} must be an integer in 1..{MAX_THREADS}, got {n!r}")
    return n


def set_threads(n: int | None = None) -> int:
    """Set torch intra-op, OpenMP and BLAS threads to ``n`` (resolved as in the
    module docstring) and return the count used. Idempotent; safe to call
    before or after torch/numpy are imported."""
    global _current
    count = _resolve(n)
    for var in (ENV_VAR, *_THREAD_ENV):  # ENV_VAR: later calls and worker processes agree
        os.environ[var] = str(count)
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != count:
        torch.set_num_threads(count)
    if "numpy" in sys.modules or torch is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=count)
    _current = count
    return count


def current_threads() -> int | None:
    """The count set by the last :func:`set_threads` in this process, or None."""
    return _current


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block with one intra-op thread, as a process-pool worker of a
    sweep does, then restore the count and the environment. Torch's float
    reductions depend on the thread count, so a sweep point computed in the
    driver (the last point left, one CPU) must use the workers' count to give
    the same numbers."""
    global _current
    saved_env = {var: os.environ.get(var) for var in (ENV_VAR, *_THREAD_ENV)}
    saved = _current
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        set_threads(1)
        try:
            yield
        finally:
            for var, value in saved_env.items():
                if value is None:
                    os.environ.pop(var, None)
                else:
                    os.environ[var] = value
            _current = saved
            torch = sys.modules.get("torch")  # maybe imported in the block
            if torch is not None:
                if before is None:
                    before = saved or _resolve(None)
                torch.set_num_threads(before)
