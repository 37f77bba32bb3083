"""Spin models and their exact and Monte Carlo solutions.

The Ising engine: the generalized Hamiltonian on any coupling matrix and on
periodic square/cubic lattices; exact solutions (enumeration, Kaufman's finite
torus, Onsager's infinite lattice); one Monte Carlo interface (immutable
:class:`Sampler` + explicit :class:`SamplerState`) with pluggable update rules
(multi-spin-coded Metropolis, heat-bath, Wolff; Numba and PyTorch backends);
estimators with honest errors; finite-size scaling; and the transverse-field
Ising chain. The spin-glass and Hopfield models live in
``isingformer.physics.spinglass`` and its neighbours.
"""

from isingformer.physics.enumeration import (
    DensityOfStates,
    ExactThermodynamics,
    density_of_states,
    enumerate_exact,
    state_energies,
    thermodynamics_from_dos,
)
from isingformer.physics.fss import FSSResult, finite_size_scaling
from isingformer.physics.hamiltonian import (
    IsingHamiltonian,
    chain_ising,
    cubic_ising,
    lattice_ising,
    square_ising,
)
from isingformer.physics.kaufman import TorusThermodynamics, torus_log_z, torus_thermodynamics
from isingformer.physics.lattice import Lattice, chain, cubic, square
from isingformer.physics.observables import (
    Estimate,
    autocorrelation,
    binning_analysis,
    equilibration_start,
    ising_estimates,
    jackknife,
    tau_int,
)
from isingformer.physics.rules import HeatBath, Metropolis, Wolff, heatbath, metropolis, wolff
from isingformer.physics.sampler import Sampler, SamplerState, Samples, UpdateRule
from isingformer.physics.study import exact_torus, simulate, simulate_point, tc_study, tfim_study

__all__ = [
    "DensityOfStates",
    "Estimate",
    "ExactThermodynamics",
    "FSSResult",
    "HeatBath",
    "IsingHamiltonian",
    "Lattice",
    "Metropolis",
    "Sampler",
    "SamplerState",
    "Samples",
    "TorusThermodynamics",
    "UpdateRule",
    "Wolff",
    "autocorrelation",
    "binning_analysis",
    "chain",
    "chain_ising",
    "cubic",
    "cubic_ising",
    "density_of_states",
    "enumerate_exact",
    "equilibration_start",
    "exact_torus",
    "finite_size_scaling",
    "heatbath",
    "ising_estimates",
    "jackknife",
    "lattice_ising",
    "metropolis",
    "simulate",
    "simulate_point",
    "square",
    "square_ising",
    "state_energies",
    "tau_int",
    "tc_study",
    "tfim_study",
    "thermodynamics_from_dos",
    "torus_log_z",
    "torus_thermodynamics",
    "wolff",
]
