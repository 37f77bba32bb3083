"""Training configuration: frozen dataclass defaults → YAML file → CLI flags.

Every field has a default here; a YAML file (a flat mapping of field names)
overrides them, and explicit CLI flags override the file. An unknown key or a
value of the wrong type is an :class:`~isingformer.errors.InputError`. The
final config is saved (as a plain dict) with every checkpoint and result.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from isingformer.errors import InputError
from isingformer.validate import check_float, check_int, check_memory
from isingformer.validate import read_yaml as _read_yaml

__all__ = ["MODEL_FIELDS", "TrainConfig", "load_config", "train_memory_bytes"]


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run (model, data, optimization).

    Model: ``n_layer`` blocks of ``n_head`` heads, width ``d_model``, context
    ``context`` tokens; ``policy`` is the β policy of every attention head
    (``sqrt_dk``, ``fixed``, ``learned``, ``critical``, ``log_length``,
    ``qk_norm``, ``annealed``), ``bias`` the positional bias (``none``,
    ``periodic``, ``alibi``). ``recalibrate_every`` (K) is how often the
    ``critical`` policy re-measures β* (0: only at initialization).
    """

    # data
    corpus: str = "shakespeare"  # "shakespeare" or a path to a .txt file / a directory of them
    tokenizer: str = "char"  # "char" or "bpe" (byte-level BPE trained locally)
    bpe_vocab: int = 1024
    val_fraction: float = 0.1
    cache_dir: str | None = None
    # model
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 128
    context: int = 128
    dropout: float = 0.0
    policy: str = "sqrt_dk"
    bias: str = "none"
    policy_kwargs: dict = field(default_factory=dict)
    bias_kwargs: dict = field(default_factory=dict)
    attention: str = "beta"  # "beta" (BetaAttention), "sdpa" (plain reference, sqrt_dk only)
    # or "hyperbolic" (logits −β d_H in the Poincaré ball of curvature `curvature` < 0)
    curvature: float = -1.0
    manifold: str = "poincare"  # model of hyperbolic space: "poincare" (ball) or "lorentz"
    # dynamic β
    recalibrate_every: int = 100
    calib_batch: int = 8
    # optimization
    steps: int = 1000
    batch_size: int = 32
    lr: float = 1e-3
    min_lr_ratio: float = 0.1
    warmup: int = 50
    weight_decay: float = 0.1
    adam_beta1: float = 0.9
    adam_beta2: float = 0.95
    grad_clip: float = 1.0
    # evaluation and checkpoints
    eval_every: int = 50
    eval_batches: int = 8
    checkpoint_every: int = 0  # 0: only at the end
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        _check_types(self)
        positive = ("n_layer", "n_head", "d_model", "context", "batch_size", "eval_every")
        for name in positive:
            if getattr(self, name) < 1:
                raise InputError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.steps < 1:
            raise InputError(f"steps must be >= 1, got {self.steps}")
        if self.d_model % self.n_head:
            raise InputError(
                f"d_model ({self.d_model}) must be divisible by n_head ({self.n_head})"
            )
        if not 0.0 < self.val_fraction < 0.5:
            raise InputError(f"val_fraction must be in (0, 0.5), got {self.val_fraction}")
        if not 0.0 <= self.dropout < 1.0:
            raise InputError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.tokenizer not in ("char", "bpe"):
            raise InputError(f"tokenizer must be 'char' or 'bpe', got {self.tokenizer!r}")
        if self.bpe_vocab < 260:
            raise InputError(f"bpe_vocab must be >= 260, got {self.bpe_vocab}")
        if self.lr <= 0 or not 0 <= self.min_lr_ratio <= 1:
            raise InputError("lr must be > 0 and min_lr_ratio in [0, 1]")
        for name in ("warmup", "recalibrate_every", "checkpoint_every", "eval_batches"):
            if getattr(self, name) < 0:
                raise InputError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.calib_batch < 1 or self.eval_batches < 1:
            raise InputError("calib_batch and eval_batches must be >= 1")
        if self.grad_clip < 0 or self.weight_decay < 0:
            raise InputError("grad_clip and weight_decay must be >= 0")
        if self.attention not in ("beta", "sdpa", "hyperbolic"):
            raise InputError(
                f"attention must be 'beta', 'sdpa' or 'hyperbolic', got {self.attention!r}"
            )
        if self.manifold not in ("poincare", "lorentz"):
            raise InputError(f"manifold must be 'poincare' or 'lorentz', got {self.manifold!r}")
        if self.attention == "sdpa" and (self.policy != "sqrt_dk" or self.bias != "none"):
            raise InputError(
                "attention='sdpa' (the plain reference) supports only sqrt_dk, no bias"
            )
        _check_policy(self.policy, self.bias)
        _check_ranges(self)
        check_memory(
            train_memory_bytes(self),
            f"training n_layer={self.n_layer} d_model={self.d_model} context={self.context} "
            f"batch_size={self.batch_size}",
        )

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-able dict of every field."""
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes`` applied (validated like any override)."""
        return apply_overrides(self, changes, source="override")


# Fields that fix the model's shape and data: a checkpoint whose values differ
# cannot be loaded into the current config.
MODEL_FIELDS = (
    "corpus",
    "tokenizer",
    "bpe_vocab",
    "val_fraction",
    "n_layer",
    "n_head",
    "d_model",
    "context",
    "policy",
    "bias",
    "policy_kwargs",
    "bias_kwargs",
    "attention",
    "curvature",
    "manifold",
)


def _check_policy(policy: str, bias: str) -> None:
    try:
        from isingformer.attention import BETA_POLICIES, POSITIONAL_BIASES
    except ImportError:  # pragma: no cover - the attention package is a dependency
        return
    if policy not in BETA_POLICIES:
        raise InputError(f"unknown policy {policy!r}; choose from {', '.join(BETA_POLICIES)}")
    if bias not in POSITIONAL_BIASES:
        raise InputError(f"unknown bias {bias!r}; choose from {', '.join(POSITIONAL_BIASES)}")


# Ceilings of single fields (memory is checked as a whole by train_memory_bytes)
_INT_RANGES = {
    "n_layer": (1, 1024),
    "n_head": (1, 1024),
    "d_model": (1, 65536),
    "context": (1, 65536),
    "batch_size": (1, 1 << 20),
    "bpe_vocab": (260, 1 << 20),
    "steps": (1, 10**9),
    "calib_batch": (1, 1 << 16),
    "eval_batches": (1, 1 << 16),
    "eval_every": (1, 10**9),
    "warmup": (0, 10**9),
    "recalibrate_every": (0, 10**9),
    "checkpoint_every": (0, 10**9),
    "seed": (0, 2**63 - 1),
}
_FLOAT_RANGES = {  # (low, high, low inclusive, high inclusive)
    "lr": (0.0, 10.0, False, True),
    "adam_beta1": (0.0, 1.0, True, False),
    "adam_beta2": (0.0, 1.0, True, False),
    "grad_clip": (0.0, 1e6, True, True),
    "weight_decay": (0.0, 1e3, True, True),
    "min_lr_ratio": (0.0, 1.0, True, True),
    "curvature": (-1e6, 0.0, True, False),  # κ < 0 (used by attention='hyperbolic')
}


def _check_ranges(cfg: TrainConfig) -> None:
    """Finite floats and bounded integers, each message naming the key."""
    for f in fields(cfg):
        value = getattr(cfg, f.name)
        if isinstance(value, float):
            lo, hi, lo_in, hi_in = _FLOAT_RANGES.get(f.name, (None, None, True, True))
            check_float(
                value,
                f"config key {f.name}",
                ge=lo if lo_in else None,
                gt=None if lo_in else lo,
                le=hi if hi_in else None,
                lt=None if hi_in else hi,
            )
        elif f.name in _INT_RANGES and isinstance(value, int):
            lo, hi = _INT_RANGES[f.name]
            check_int(value, f"config key {f.name}", ge=lo, le=hi)


def train_memory_bytes(cfg: TrainConfig, vocab_size: int | None = None) -> float:
    """A rough peak-memory estimate of training ``cfg`` (bytes, float32):
    weights, gradients and two Adam moments, plus the activations kept for
    the backward pass (per layer ~16 values per token and width, and the
    ``n_head × context²`` attention scores and probabilities) and the logits."""
    vocab = vocab_size or (cfg.bpe_vocab if cfg.tokenizer == "bpe" else 256)
    d, t, b, h, n = cfg.d_model, cfg.context, cfg.batch_size, cfg.n_head, cfg.n_layer
    params = n * 12.0 * d * d + 2.0 * vocab * d + t * d
    tokens = float(b) * t
    activations = n * (16.0 * tokens * d + 3.0 * b * h * float(t) * t) + 3.0 * tokens * vocab
    return 4.0 * (4.0 * params + activations)


def _types() -> dict[str, Any]:
    hints = typing.get_type_hints(TrainConfig)
    return {f.name: hints[f.name] for f in fields(TrainConfig)}


def _accepts(tp: Any, value: Any) -> bool:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return any(_accepts(t, value) for t in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is dict:
        return isinstance(value, dict)
    return isinstance(value, tp)


def _check_types(cfg: TrainConfig) -> None:
    for name, tp in _types().items():
        value = getattr(cfg, name)
        if not _accepts(tp, value):
            raise InputError(
                f"config key {name!r} expects {getattr(tp, '__name__', tp)}, got {value!r}"
            )
        if tp is float and isinstance(value, int):
            object.__setattr__(cfg, name, float(value))


def apply_overrides(base: TrainConfig, overrides: dict[str, Any], *, source: str) -> TrainConfig:
    """``base`` with ``overrides`` applied; unknown keys are errors naming ``source``."""
    known = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise InputError(
            f"unknown config key(s) {', '.join(map(repr, unknown))} in {source}; "
            f"known keys: {', '.join(sorted(known))}"
        )
    return dataclasses.replace(base, **overrides)


def load_config(
    path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    base: TrainConfig | None = None,
) -> TrainConfig:
    """Defaults (or ``base``) → the YAML file at ``path`` → ``overrides``.

    Values that are ``None`` in ``overrides`` are treated as "not given".
    """
    cfg = base if base is not None else TrainConfig()
    if path is not None:
        cfg = apply_overrides(cfg, read_yaml(path), source=str(path))
    if overrides:
        given = {k: v for k, v in overrides.items() if v is not None}
        cfg = apply_overrides(cfg, given, source="the command line")
    return cfg


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a flat YAML (or JSON) mapping of config keys: strict UTF-8, no
    duplicate keys, no NaN/inf, bounded size and depth (a clear error otherwise)."""
    data = _read_yaml(path, "--config")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"--config: {Path(path).name} must hold a mapping of config keys")
    return data


def config_from_dict(data: dict[str, Any], *, source: str = "checkpoint") -> TrainConfig:
    """Rebuild a config from :meth:`TrainConfig.to_dict` output."""
    return apply_overrides(TrainConfig(), dict(data), source=source)
