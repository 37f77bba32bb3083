"""Checkpoints: written atomically, read with ``torch.load(weights_only=True)``,
and never half-loaded.

A checkpoint is one ``torch.save`` file holding only tensors and plain
containers::

    {"format": "isingformer.lm/1", "config": {...}, "step": int,
     "model": state_dict, "optimizer": state_dict,
     "rng": {"torch": ByteTensor}, "history": {...}, "vocab_size": int}

``history`` holds the curves so far (train loss per step, evaluations, β
trajectories, timing), so a resumed run returns the whole run's curves.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import torch

from isingformer.errors import ModelLoadError

__all__ = ["FORMAT", "load_checkpoint", "save_checkpoint"]

FORMAT = "isingformer.lm/1"
_KEYS = ("format", "config", "step", "model", "optimizer", "rng", "history", "vocab_size")


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
    if not p.is_file():
        raise ModelLoadError(f"checkpoint {p} does not exist")
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
    except (TypeError, ValueError):
        raise ModelLoadError(f"checkpoint {p} has an unreadable config or history") from None
    if not isinstance(data["step"], int) or not isinstance(data["rng"].get("torch"), torch.Tensor):
        raise ModelLoadError(f"checkpoint {p} has an invalid step or RNG state")
    return data
