"""The Ising engine: the generalized Hamiltonian on any coupling matrix and on
periodic square/cubic lattices; exact solutions (enumeration, Kaufman's finite
torus, Onsager's infinite lattice); one Monte Carlo interface (immutable
:class:`Sampler` + explicit :class:`SamplerState`) with pluggable update rules
(multi-spin-coded Metropolis, heat-bath, Wolff; Numba and PyTorch backends);
multi-spin Metropolis and heat-bath on threads (:func:`threaded_chain`),
parallel tempering of multi-spin replicas (:func:`tempering_chain`) and a CUDA
multi-spin kernel (:mod:`.cuda_msc`, imported on demand);
estimators with honest errors; finite-size scaling; and the transverse-field
Ising chain. Figures and the main-job section: :mod:`.report`.
"""

from isingformer.physics.ising.enumeration import (
    DensityOfStates,
    ExactThermodynamics,
    density_of_states,
    enumerate_exact,
    state_energies,
    thermodynamics_from_dos,
)
from isingformer.physics.ising.fss import FSSResult, finite_size_scaling
from isingformer.physics.ising.hamiltonian import (
    IsingHamiltonian,
    chain_ising,
    cubic_ising,
    lattice_ising,
    square_ising,
)
from isingformer.physics.ising.kaufman import (
    TorusThermodynamics,
    exact_z_scores,
    torus_log_z,
    torus_thermodynamics,
)
from isingformer.physics.ising.lattice import Lattice, chain, cubic, square
from isingformer.physics.ising.msc_tempering import tempering_chain
from isingformer.physics.ising.msc_threads import threaded_chain
from isingformer.physics.ising.observables import (
    Estimate,
    autocorrelation,
    binning_analysis,
    equilibration_start,
    ising_estimates,
    jackknife,
    tau_int,
)
from isingformer.physics.ising.rules import HeatBath, Metropolis, Wolff, heatbath, metropolis, wolff
from isingformer.physics.ising.sampler import Sampler, SamplerState, Samples, UpdateRule
from isingformer.physics.ising.study import (
    exact_torus,
    simulate,
    simulate_point,
    tc_study,
    tfim_study,
)

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
    "exact_z_scores",
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
    "tempering_chain",
    "tfim_study",
    "thermodynamics_from_dos",
    "threaded_chain",
    "torus_log_z",
    "torus_thermodynamics",
    "wolff",
]
