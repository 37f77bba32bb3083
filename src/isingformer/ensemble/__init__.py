"""The Gibbs-ensemble core: thermodynamics of finite ensembles over a β grid,
critical points with error bars, finite-size scaling, and the REM reference."""

from isingformer.ensemble.critical import (
    CriticalPoint,
    entropy_slope_peak,
    heat_capacity_peak,
    order_parameter_onset,
    parabolic_peak,
)
from isingformer.ensemble.fss import FiniteSizeFit, fit_finite_size
from isingformer.ensemble.rem import (
    REMPoint,
    REMStudy,
    rem_beta_c,
    rem_energies,
    rem_entropy_limit,
    rem_point,
    rem_study,
)
from isingformer.ensemble.thermo import Thermodynamics, gibbs_probabilities, thermodynamics

__all__ = [
    "CriticalPoint",
    "FiniteSizeFit",
    "REMPoint",
    "REMStudy",
    "Thermodynamics",
    "entropy_slope_peak",
    "fit_finite_size",
    "gibbs_probabilities",
    "heat_capacity_peak",
    "order_parameter_onset",
    "parabolic_peak",
    "rem_beta_c",
    "rem_energies",
    "rem_entropy_limit",
    "rem_point",
    "rem_study",
    "thermodynamics",
]
