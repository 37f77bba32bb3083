"""Language-model experiments: a small β-attention GPT on Shakespeare, its
training loop with dynamic β (critical calibration, annealing), checkpoints
with exact resume, and the policy comparison behind ``isingformer compare``."""

from isingformer.lm.checkpoint import load_checkpoint, save_checkpoint
from isingformer.lm.compare import (
    Comparison,
    compare,
    control_verdict,
    cost_to_target,
    verdict,
)
from isingformer.lm.config import TrainConfig, load_config
from isingformer.lm.corpus import (
    TokenData,
    clean_gutenberg,
    load_corpus,
    prepare_data,
    prepare_data_for,
)
from isingformer.lm.dynamics import beta_matrix, calibrate_critical
from isingformer.lm.model import GPT
from isingformer.lm.specs import PolicySpec, parse_policies, parse_policy_spec
from isingformer.lm.train import TrainResult, build_model, lr_at, resume_config, train

__all__ = [
    "GPT",
    "Comparison",
    "PolicySpec",
    "TokenData",
    "TrainConfig",
    "TrainResult",
    "beta_matrix",
    "build_model",
    "calibrate_critical",
    "clean_gutenberg",
    "compare",
    "control_verdict",
    "cost_to_target",
    "load_checkpoint",
    "load_config",
    "load_corpus",
    "lr_at",
    "parse_policies",
    "parse_policy_spec",
    "prepare_data",
    "prepare_data_for",
    "resume_config",
    "save_checkpoint",
    "train",
    "verdict",
]
