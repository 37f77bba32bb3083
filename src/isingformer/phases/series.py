"""The training step as the control parameter: the GPT checkpoints of one
``isingformer train`` run, ordered by the step stored in each, evaluated on the
same prompts (``isingformer phases detect --parameter step --checkpoints DIR``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from isingformer.errors import InputError

__all__ = ["checkpoint_files", "checkpoint_series", "series_distributions"]

#: config fields that must agree for the checkpoints to be one run's prompts and vocabulary
_SAME_RUN = ("corpus", "tokenizer", "bpe_vocab", "val_fraction", "context")


def checkpoint_files(directory: str | Path) -> list[Path]:
    """The ``*.pt`` files of a checkpoint directory, by name; InputError if it is
    missing, not a directory or holds none."""
    d = Path(directory)
    if not d.is_dir():
        raise InputError(f"--checkpoints: {d} is not a directory")
    paths = sorted(d.glob("*.pt"))
    if not paths:
        raise InputError(f"--checkpoints: no *.pt checkpoint in {d}")
    return paths


def checkpoint_series(directory: str | Path) -> list[tuple[int, Path]]:
    """``[(step, path)]`` of every ``*.pt`` GPT checkpoint in ``directory``, sorted by
    the training step stored in the checkpoint (not by file name). InputError if
    the directory is missing or empty, two files hold the same step, or the
    checkpoints come from runs with a different corpus, tokenizer or context."""
    from isingformer.lm.checkpoint import load_checkpoint

    d = Path(directory)
    paths = checkpoint_files(d)
    rows, first = [], None
    for p in paths:
        ck = load_checkpoint(p)
        run = {k: ck["config"].get(k) for k in _SAME_RUN} | {"vocab": int(ck["vocab_size"])}
        if first is None:
            first = (p, run)
        elif run != first[1]:
            diff = sorted(k for k in run if run[k] != first[1].get(k))
            raise InputError(
                f"--checkpoints: {p.name} and {first[0].name} differ in {', '.join(diff)}: "
                "give the checkpoints of one training run"
            )
        rows.append((int(ck.get("step", 0)), p))
    rows.sort(key=lambda r: r[0])
    steps = [s for s, _ in rows]
    if len(set(steps)) < len(steps):
        dup = sorted({s for s in steps if steps.count(s) > 1})
        raise InputError(f"--checkpoints: several checkpoints at step {dup[0]} in {d}")
    return rows


def series_distributions(
    paths: list[Path], idx: torch.Tensor, device: str = "cpu"
) -> Callable[[int], np.ndarray]:
    """``dist(j) -> [P, S, V]``: the exact next-token distributions of checkpoint
    ``paths[j]`` on the prompts ``idx [P, S]`` (loaded when asked for, once)."""
    from isingformer.lm.sample import load_trained
    from isingformer.phases.lm import lm_logits

    def dist(j: int) -> np.ndarray:
        model = load_trained(paths[j], device=device).model
        return torch.softmax(lm_logits(model, idx), dim=-1).numpy()

    return dist
