"""The public names of ``isingformer.physics.ising`` (the Ising engine, re-exported
by ``isingformer.physics``) are pinned."""

import isingformer.physics as physics
import isingformer.physics.ising as ising

EXPECTED = {
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
    "state_energies",
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
    "tau_int",
    "tc_study",
    "tempering_chain",
    "tfim_study",
    "thermodynamics_from_dos",
    "threaded_chain",
    "torus_log_z",
    "torus_thermodynamics",
    "wolff",
}


# replica exchange (isingformer.physics.replica), re-exported lazily by isingformer.physics
REPLICA = {"DenseIsingSampler", "FunctionSampler", "ReplicaResult", "ReplicaSampler",
           "replica_exchange"}  # fmt: skip


def test_public_names():
    assert set(physics.__all__) == EXPECTED | REPLICA
    for name in EXPECTED | REPLICA:
        assert hasattr(physics, name)


def test_ising_subpackage_is_the_source():
    assert set(ising.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(physics, name) is getattr(ising, name)
