"""Checkpoints: written atomically, read with ``torch.load(weights_only=True)``,
and never half-loaded.

A checkpoint is one ``torch.save`` file holding only tensors and plain
containers::

    {"format": "isingformer.lm/1", "config": {...}, "step": int,
     "model": state_dict, "optimizer": state_dict,
     "rng": {"torch": ByteTensor}, "history": {...}, "vocab_size": int}

``history`` holds the curves so far (train loss per step, evaluations, β
trajectories, timing), so a resumed run returns the whole run's curves.

Every field is validated when loading (:class:`CheckpointFields`, a pydantic
schema): ``step >= 0`` and equal to the number of recorded train losses, the
RNG state a uint8 tensor of the generator's size, the history's lists and
timings of the right types. A write killed mid-way leaves a temporary
``.NAME.tmpPID`` file; the next save or load in that directory removes those
whose process is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import torch
from pydantic import Field

from isingformer.errors import ModelLoadError
from isingformer.validate import Schema, check_depth, parse_model

__all__ = ["FORMAT", "load_checkpoint", "save_checkpoint"]

FORMAT = "isingformer.lm/1"
_KEYS = ("format", "config", "step", "model", "optimizer", "rng", "history", "vocab_size")
_MAX_STEP = 10**12


class _History(Schema, extra="allow", allow_inf_nan=True):
    """The curves so far (a diverged loss may be NaN); other keys may be
    added by newer versions."""

    train_losses: list[float] = Field(max_length=_MAX_STEP)
    evals: list[dict]
    beta_log: list[dict]
    train_seconds: float = Field(ge=0)
    cpu_seconds: float = Field(ge=0)
    calib_seconds: float = Field(ge=0)


class CheckpointFields(Schema):
    """The non-tensor fields of a checkpoint, as validated on load."""

    step: int = Field(ge=0, le=_MAX_STEP)
    vocab_size: int = Field(ge=1, le=2**31)
    config: dict
    history: _History


def _clean_stale_temps(p: Path) -> None:
    """Remove ``.NAME.tmpPID`` files of ``p`` left by killed writers (only
    those whose process no longer exists)."""
    prefix = f".{p.name}.tmp"
    try:
        leftovers = [q for q in p.parent.iterdir() if q.name.startswith(prefix)]
    except OSError:
        return
    for q in leftovers:
        pid = q.name[len(prefix) :]
        if not pid.isdigit() or int(pid) == os.getpid() or _pid_alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            q.unlink()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _check_rng(rng: Any, p: Path) -> None:
    expected = torch.get_rng_state().numel()

    def ok(t: Any) -> bool:
        return isinstance(t, torch.Tensor) and t.dtype == torch.uint8 and t.numel() == expected

    if not isinstance(rng, dict) or not ok(rng.get("torch")):
        raise ModelLoadError(
            f"checkpoint {p} has an invalid RNG state (expected a uint8 tensor of {expected} "
            "bytes in rng.torch)"
        )
    ranks = rng.get("ranks")
    if ranks is not None and not (isinstance(ranks, list) and all(ok(t) for t in ranks)):
        raise ModelLoadError(f"checkpoint {p} has an invalid per-rank RNG state (rng.ranks)")


def save_checkpoint(path: str | Path, payload: dict[str, Any]) -> Path:
    """Write ``payload`` to ``path`` atomically (temp file, fsync, rename):
    a crash leaves either the old checkpoint or the new one, never a torn file."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    data = dict(payload)
    data["format"] = FORMAT
    # config and history as JSON text: weights_only loading then needs no
    # allow-listed globals, and the values round-trip exactly
    data["config"] = json.dumps(payload["config"], sort_keys=True)
    data["history"] = json.dumps(payload["history"])
    _clean_stale_temps(p)
    tmp = p.with_name(f".{p.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        torch.save(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, p)
    return p


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Read and validate a checkpoint; raise :class:`ModelLoadError` (one
    line) if the file is missing, corrupt, or not an isingformer LM
    checkpoint. Nothing is applied to any model here."""
    p = Path(path)
    if p.is_dir():
        hint = f"; did you mean {p / 'checkpoint.pt'}?" if (p / "checkpoint.pt").is_file() else ""
        raise ModelLoadError(f"checkpoint {p} is a directory, expected a checkpoint file{hint}")
    if not p.is_file():
        raise ModelLoadError(f"checkpoint {p} does not exist")
    _clean_stale_temps(p)
    try:
        data = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated zip, pickle error, disallowed global, ...
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # torch puts ANSI bold in it
        if "Weights only load failed" in text:
            msg = "not a plain-tensor checkpoint: refusing to unpickle arbitrary objects"
        else:
            msg = text.splitlines()[0].split(". ")[0] if text else type(exc).__name__
        raise ModelLoadError(f"checkpoint {p} is corrupt or unreadable ({msg[:160]})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelLoadError(f"{p} is not an isingformer LM checkpoint ({FORMAT})")
    missing = [k for k in _KEYS if k not in data]
    if missing:
        raise ModelLoadError(f"checkpoint {p} lacks {', '.join(missing)}")
    try:
        data["config"] = json.loads(data["config"])
        data["history"] = json.loads(data["history"])
        check_depth(data["config"], "config", 8)
        check_depth(data["history"], "history", 8)
    except (TypeError, ValueError, RecursionError):
        raise ModelLoadError(f"checkpoint {p} has an unreadable config or history") from None
    fields = {k: data[k] for k in ("step", "vocab_size", "config", "history")}
    parse_model(CheckpointFields, fields, f"checkpoint {p}", error=ModelLoadError)
    if len(data["history"]["train_losses"]) != data["step"]:
        raise ModelLoadError(
            f"checkpoint {p} is inconsistent: step {data['step']} but "
            f"{len(data['history']['train_losses'])} recorded train losses"
        )
    _check_rng(data["rng"], p)
    if not isinstance(data["model"], dict) or not isinstance(data["optimizer"], dict):
        raise ModelLoadError(f"checkpoint {p} has no model or optimizer state")
    return data
