"""``isingformer layers`` as a stored point: one configuration in, the
analysis dict out, written to the results store (sweep ``layers``) so that
a re-run with the same configuration reads it back instead of recomputing."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["SWEEP", "layers_point", "layers_study"]

SWEEP = "layers"


def _plain(obj: Any) -> Any:
    """Numpy scalars and arrays to Python types (NaN/inf kept as floats)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.bool_ | bool):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating | float):
        return float(obj)
    return obj


def layers_point(config: dict) -> dict:
    """Run :func:`isingformer.layers.analysis.analyze_layers` for one stored config."""
    from isingformer.layers.analysis import analyze_layers
    from isingformer.probe import read_texts

    texts = None
    if config.get("texts_file"):
        words = max(160, int(config["max_tokens"]))  # enough words for max_tokens tokens
        texts = read_texts(config["texts_file"], n=config["n_texts"], words=words)
    result = analyze_layers(
        config.get("model"),
        texts,
        checkpoint=config.get("checkpoint"),
        random_init=bool(config.get("random_init", False)),
        n_texts=int(config["n_texts"]),
        max_tokens=int(config["max_tokens"]),
        betas=config.get("betas"),
        seed=int(config.get("seed", 0)),
        device=config.get("device", "cpu"),
    )
    return _plain(result.to_dict())


def layers_study(
    *,
    model: str | None = None,
    texts_file: str | None = None,
    checkpoint: str | None = None,
    random_init: bool = False,
    n_texts: int = 16,
    max_tokens: int = 128,
    betas: list[float] | None = None,
    seed: int = 0,
    device: str = "cpu",
    store=None,
) -> dict:
    """The layer analysis of one model as a dict (the JSON contract of
    ``isingformer layers``), stored in ``store`` under sweep ``layers``."""
    from isingformer.runs import run_sweep
    from isingformer.runs.store import content_fingerprint

    config = {
        "model": None if model is None else str(model),
        "texts_file": None if texts_file is None else str(texts_file),
        "checkpoint": None if checkpoint is None else str(checkpoint),
        "random_init": bool(random_init),
        "n_texts": int(n_texts),
        "max_tokens": int(max_tokens),
        "betas": None if betas is None else [float(b) for b in betas],
        "seed": int(seed),
        "device": device,
    }
    for key in ("model", "texts_file", "checkpoint"):  # what the paths held
        config[f"{key}_sha256"] = content_fingerprint(config[key])
    if betas is not None and not all(math.isfinite(b) and b > 0 for b in config["betas"]):
        from isingformer.errors import InputError

        raise InputError("--betas: every β must be finite and > 0")
    [result] = run_sweep(
        layers_point, [config], sweep=SWEEP, store=store, executor="serial", progress=False
    )
    return result
