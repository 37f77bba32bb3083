"""The CLI's checks by construction: every option of every command is checked
by its type and name before the command runs (docs/cli.md rules), so a new
command is guarded without writing anything.

- every float option: finite (NaN, ±inf refused);
- every integer option: 64-bit; ``--seed``: ``0 <= s < 2**63``; counts
  (:data:`COUNTS`) ``>= 1``; ``--…-every`` and :data:`NON_NEGATIVE` ``>= 0``;
- ``--seconds``/``--max-seconds``: finite and ``> 0``;
- :data:`CEILINGS`: counts with a fixed largest value (``--n-boot``, ``--seeds``);
- ``--dask-address``: ``[SCHEME://]HOST:PORT``, and only with ``--executor dask``
  (elsewhere it would be silently ignored);
- ``--out``: a directory that is (or can be) created and written;
  ``--store`` (and ``DIR/runs.sqlite``): an existing file must be a results
  store (checked from its header, nothing written) and, except for the
  read-only ``runs`` commands, writable with its folder (SQLite's write-ahead
  log lives beside it) before any work starts;
  ``--output``: a file in a writable directory, not a directory;
- ``--device``: ``cpu``, ``cuda``, ``cuda:N``, ``mps``, and available;
- input files (:data:`INPUT_FILES`: ``--texts``, ``--spec``, ``--config``) exist
  and are files, ``--proofs`` is a directory: a missing input is never
  silently replaced by a default.

Command-specific ranges (``--temperature > 0`` …) stay with the command or its
library function, using :mod:`isingformer.validate`.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

from isingformer.errors import InputError
from isingformer.validate import check_float, check_int, check_seed
from isingformer.validate.values import INT_MAX

__all__ = [
    "CEILINGS",
    "COUNTS",
    "INPUT_FILES",
    "NON_NEGATIVE",
    "by_option",
    "check_device",
    "check_params",
    "harden",
]

COUNTS = frozenset(
    {
        "samples", "seeds", "steps", "n_boot", "workers", "threads", "sweeps", "trials",
        "num", "bins", "patterns", "clusters", "temps", "n_texts", "max_tokens", "max_rows",
        "n_layer", "n_head", "d_model", "context", "batch_size", "d", "L", "M", "wolff_L",
        "size", "dim", "n", "k", "chains", "epochs", "layers", "heads", "width",
        "ladder_size", "wolff_size", "tokens", "count", "pairs",
    }
)  # fmt: skip
NON_NEGATIVE = frozenset({"ed_max", "burn_in", "warmup", "thin"})
#: largest value of a count whatever the command (beyond it a bootstrap only costs time)
CEILINGS = {"n_boot": 100_000, "seeds": 10_000}
_DASK = re.compile(r"^([a-z]+://)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9_.-]+):\d{1,5}$")
SECONDS = frozenset({"seconds", "max_seconds", "min_seconds", "timeout"})
INPUT_FILES = frozenset({"texts", "spec", "config"})
_DEVICE = re.compile(r"^(cpu|mps|cuda(:\d{1,3})?)$")  # DEVICE_OPTION_HELP names these


def _label(param: Any) -> str:
    opts = getattr(param, "opts", None) or [param.name]
    return max(opts, key=len) if opts[0].startswith("-") else str(param.name)


def check_device(value: str, label: str = "--device") -> str:
    """``cpu``, ``cuda``, ``cuda:N`` or ``mps``, and present on this machine (what
    ``_common.DEVICE_OPTION_HELP`` says; no command resolves an ``auto``)."""
    text = str(value).strip().lower()
    if not _DEVICE.match(text):
        raise InputError(f"{label}: unknown device {value!r}; use cpu, cuda, cuda:N or mps")
    if text == "cpu":
        return text
    import torch

    if text.startswith("cuda"):
        if not torch.cuda.is_available():
            raise InputError(f"{label}: {value} requested but CUDA is not available; use cpu")
        index = int(text.split(":")[1]) if ":" in text else 0
        if index >= torch.cuda.device_count():
            raise InputError(
                f"{label}: {value} does not exist ({torch.cuda.device_count()} CUDA device(s))"
            )
    elif not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise InputError(f"{label}: mps requested but it is not available; use cpu")
    return text


def _writable_dir_or_creatable(path: Path, label: str) -> None:
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise InputError(f"{label}: {probe} is a file, expected a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"{label}: {probe} is not writable")


def _check_out(value: Any, label: str) -> None:
    p = Path(value)
    if p.exists() and not p.is_dir():
        raise InputError(f"{label}: {p} is a file; --out takes a directory")
    _writable_dir_or_creatable(p, label)
    if (p / "runs.sqlite").exists():
        _check_store(p / "runs.sqlite")


def _check_store(value: Any, *, write: bool = True) -> None:
    """An existing store must be recognised before the command runs (no work
    lost at the final write) and, for a command that writes it, writable; a
    new one must be creatable. Nothing is written."""
    from isingformer.runs.store import check_store_file

    p = Path(value)
    if not p.exists():
        _writable_dir_or_creatable(p.parent, "--store")
        return
    check_store_file(p)
    if not write:
        return
    if not os.access(p, os.W_OK):
        raise InputError(f"results store {p} is read-only; the command would lose its results")
    logs = [p.with_name(p.name + s) for s in ("-wal", "-shm")]
    if not os.access(p.parent, os.W_OK | os.X_OK) and not all(os.access(f, os.W_OK) for f in logs):
        raise InputError(
            f"results store {p}: its folder {p.parent} is not writable (SQLite needs its "
            "log files beside the store); the command would lose its results"
        )


def _check_output(value: Any, label: str) -> None:
    p = Path(value)
    if str(value) == "-":
        return
    if p.is_dir():
        raise InputError(f"{label}: {p} is a directory, expected a file name")
    if p.exists() and not os.access(p, os.W_OK):
        raise InputError(f"{label}: {p} is not writable")
    _writable_dir_or_creatable(p.parent, label)


def _check_input(p: Path, label: str, *, directory: bool) -> None:
    if not p.exists():
        raise InputError(f"{label}: {p} does not exist")
    if directory and not p.is_dir():
        raise InputError(f"{label}: {p} is not a directory")
    if not directory and p.is_dir():
        raise InputError(f"{label}: {p} is a directory, expected a file")


def check_params(
    params: dict[str, Any], decls: dict[str, Any], *, reads_only: bool = False
) -> None:
    """Apply the rules of the module docstring to parsed ``params`` (name →
    value) whose click declarations are ``decls`` (name → parameter);
    ``reads_only``: the command never writes its ``--store``."""
    _check_dask(params)
    for name, value in params.items():
        if name == "store" and reads_only and isinstance(value, str | Path):
            _check_store(value, write=False)
            continue
        if value is None or isinstance(value, bool):
            continue
        label = _label(decls[name]) if name in decls else f"--{name}"
        key = _key(label) if label.startswith("--") else name
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            _check_one(key, v, label)
            if key != name:  # the python name's rule too (e.g. L for --size)
                _check_one(name, v, label)


def _check_dask(params: dict[str, Any]) -> None:
    address = params.get("dask_address")
    if address is None:
        return
    text = str(address).strip()
    port = text.rsplit(":", 1)[-1]
    if not _DASK.match(text) or not 1 <= int(port if port.isdigit() else 0) <= 65535:
        raise InputError(
            f"--dask-address: expected HOST:PORT (e.g. tcp://10.0.0.1:8786), got {text[:60]!r}"
        )
    if "executor" in params and params["executor"] != "dask":
        raise InputError(
            f"--dask-address applies to --executor dask only (here --executor "
            f"{params['executor']}); add --executor dask or leave the address out"
        )


def _key(label: str) -> str:
    return label.lstrip("-").replace("-", "_")


def by_option(params: dict[str, Any], decls: dict[str, Any]) -> dict[str, Any]:
    """``params`` keyed by option name (``--n-boot`` → ``n_boot``) instead of
    the python parameter name."""
    return {
        (_key(_label(decls[k])) if k in decls and _label(decls[k]).startswith("--") else k): v
        for k, v in params.items()
    }


def _check_one(name: str, v: Any, label: str) -> None:
    if isinstance(v, bool):
        return
    if isinstance(v, float):
        if name in SECONDS:
            check_float(v, label, gt=0)
        else:
            check_float(v, label)
    elif isinstance(v, int):
        if name == "seed":
            check_seed(v, label)
        elif name in COUNTS:
            check_int(v, label, ge=1, le=CEILINGS.get(name, INT_MAX))
        elif name in NON_NEGATIVE or name.endswith("_every"):
            check_int(v, label, ge=0)
        else:
            check_int(v, label)
    elif name == "out":
        _check_out(v, label)
    elif name == "store" and isinstance(v, str | Path):
        _check_store(v)
    elif name == "output":
        _check_output(v, label)
    elif name == "device" and isinstance(v, str):
        check_device(v, label)
    elif name in INPUT_FILES and isinstance(v, Path):
        _check_input(v, label, directory=False)
    elif name == "proofs" and isinstance(v, Path):
        _check_input(v, label, directory=True)


def harden(command: Any, path: tuple[str, ...] = ()) -> Any:
    """Wrap the callback of ``command`` (a click command or group) and of every
    command under it so that :func:`check_params`, then the command's entry in
    :data:`~isingformer.cli._limits.LIMITS` (estimates and cross-option
    rules), run before it. ``path`` is the command's name path. Returns
    ``command``."""
    for name, sub in (getattr(command, "commands", None) or {}).items():
        harden(sub, (*path, name))
    callback = getattr(command, "callback", None)
    if callback is None or getattr(callback, "_guarded", False):
        return command
    decls = {p.name: p for p in command.params}

    @functools.wraps(callback)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        from isingformer.cli._limits import check_limits

        check_params(kwargs, decls, reads_only=path[:1] == ("runs",))
        check_limits(path, by_option(kwargs, decls))
        return callback(*args, **kwargs)

    guarded._guarded = True  # type: ignore[attr-defined]
    command.callback = guarded
    return command
