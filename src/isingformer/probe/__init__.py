"""Read a real model: capture Q and K per layer and head, turn them into
attention energies, and map each head's phase against its critical point."""

from isingformer.probe.model import (
    CapturedBatch,
    LoadedModel,
    capture_qk,
    default_model_path,
    load_model,
)
from isingformer.probe.phase import PHASES, HeadPhase, PhaseMap, analyze_attention, classify_phase
from isingformer.probe.report import phase_map_job, phase_map_section
from isingformer.probe.texts import corpus_dir, default_texts, read_texts

__all__ = [
    "PHASES",
    "CapturedBatch",
    "HeadPhase",
    "LoadedModel",
    "PhaseMap",
    "analyze_attention",
    "capture_qk",
    "classify_phase",
    "corpus_dir",
    "default_model_path",
    "default_texts",
    "load_model",
    "phase_map_job",
    "phase_map_section",
    "read_texts",
]
