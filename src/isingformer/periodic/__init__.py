"""Periodic self-attention (seed 000, Remark 7): does the circular bias
remove edge effects, lengthen attention correlations and sharpen the C-peak?
Measurements on attention logits and the study behind ``isingformer periodic``."""

from isingformer.periodic.experiment import paired_verdict, periodic_study
from isingformer.periodic.measures import (
    attention_entropy,
    causal_allowed,
    decay_length,
    distance_profile,
    mean_distance,
    nan_mean,
    peak_beta,
    peak_fwhm,
    rounding_exponent,
    row_heat_capacity,
    tenths_spread,
    wrap_fraction,
)
from isingformer.periodic.report import periodic_section, write_periodic_report
from isingformer.periodic.study import parse_checkpoints, rem_rounding

__all__ = [
    "attention_entropy",
    "causal_allowed",
    "decay_length",
    "distance_profile",
    "mean_distance",
    "nan_mean",
    "paired_verdict",
    "parse_checkpoints",
    "peak_beta",
    "peak_fwhm",
    "periodic_section",
    "periodic_study",
    "rem_rounding",
    "rounding_exponent",
    "row_heat_capacity",
    "tenths_spread",
    "wrap_fraction",
    "write_periodic_report",
]
