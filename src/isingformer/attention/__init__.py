"""Attention with an explicit inverse temperature β: modules, β policies,
positional biases, and the Hugging Face adapter.

Importing this package is cheap (no torch, no transformers): the public names
are loaded on first use, and the ``"isingformer"`` attention implementation is
registered with ``transformers`` as soon as ``transformers.modeling_utils`` is
imported (see :mod:`isingformer.attention._hook`). ``import isingformer``
imports this package, so ``attn_implementation="isingformer"`` works after
``import isingformer``.
"""

from __future__ import annotations

import importlib

from isingformer.attention import _hook

__all__ = [
    "ATTENTION_NAME",
    "BETA_POLICIES",
    "POSITIONAL_BIASES",
    "ALiBiBias",
    "AnnealedBeta",
    "BetaAttention",
    "BetaPolicy",
    "CriticalBeta",
    "CriticalBetaPolicy",
    "FixedBeta",
    "LearnedBeta",
    "LogLengthBeta",
    "NoBias",
    "PeriodicBias",
    "PositionalBias",
    "QKCapture",
    "QKNormBeta",
    "QKRecord",
    "SqrtDkBeta",
    "alibi_slopes",
    "allowed_keys",
    "attention_energies",
    "attention_mask",
    "beta_scope",
    "circular_distance",
    "index_layers",
    "isingformer_attention_forward",
    "make_beta_policy",
    "make_positional_bias",
    "measure_critical_beta",
    "reaches_adapter",
    "register_hf_attention",
]

_WHERE = {
    "bias": (
        "POSITIONAL_BIASES",
        "ALiBiBias",
        "NoBias",
        "PeriodicBias",
        "PositionalBias",
        "alibi_slopes",
        "circular_distance",
        "make_positional_bias",
    ),
    "policies": (
        "BETA_POLICIES",
        "AnnealedBeta",
        "BetaPolicy",
        "CriticalBetaPolicy",
        "FixedBeta",
        "LearnedBeta",
        "LogLengthBeta",
        "QKNormBeta",
        "SqrtDkBeta",
        "make_beta_policy",
    ),
    "module": ("BetaAttention", "attention_mask"),
    "energies": ("CriticalBeta", "allowed_keys", "attention_energies", "measure_critical_beta"),
    "hf": (
        "ATTENTION_NAME",
        "QKCapture",
        "QKRecord",
        "beta_scope",
        "isingformer_attention_forward",
        "register_hf_attention",
    ),
    "hf_support": ("index_layers", "reaches_adapter"),
}
_MODULE_OF = {name: mod for mod, names in _WHERE.items() for name in names}


def __getattr__(name: str):
    mod = _MODULE_OF.get(name)
    if mod is None:
        raise AttributeError(f"module 'isingformer.attention' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"isingformer.attention.{mod}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


_hook.install()
