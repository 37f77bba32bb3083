"""Bad input through the researcher Python API raises the project's named errors.

Every case is a mistake a user can make when calling a documented entry point
directly (not through the CLI): a zero or negative size, a NaN or infinite β or
temperature, an empty list, a wrong shape, a non-integer count, a negative
seed, a missing file. Each must raise :class:`~isingformer.errors.InputError`
(or :class:`~isingformer.errors.ModelLoadError` for a model directory) whose
message names the offending parameter — never a bare ValueError/IndexError/
RuntimeError from deep inside, a hang, or a silently wrong/NaN result.
All sizes are tiny: the whole file runs in a few seconds.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from isingformer.errors import InputError, ModelLoadError

NAN, INF = float("nan"), float("inf")
E = torch.randn(4, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
GRID = np.linspace(0.1, 2.0, 8)


def _ensemble():
    from isingformer import ensemble as e

    return [
        ("thermodynamics: NaN β", lambda: e.thermodynamics(E, [0.1, NAN]), "β"),
        ("thermodynamics: negative β", lambda: e.thermodynamics(E, [-1.0, 0.5]), "β"),
        ("thermodynamics: empty β grid", lambda: e.thermodynamics(E, []), "β grid is empty"),
        ("thermodynamics: no states", lambda: e.thermodynamics(torch.empty(3, 0), [0.1]), "energies"),
        ("thermodynamics: 2-D β grid", lambda: e.thermodynamics(E, [[0.1, 0.2]]), "betas"),
        ("thermodynamics: mask of wrong shape",
         lambda: e.thermodynamics(E, [0.1], mask=torch.ones(2, 2, dtype=torch.bool)), "mask"),
        ("thermodynamics: chunk 0", lambda: e.thermodynamics(E, [0.1], chunk=0), "chunk"),
        ("thermodynamics: chunk -1", lambda: e.thermodynamics(E, [0.1], chunk=-1), "chunk"),
        ("heat_capacity_peak: 1-point grid", lambda: e.heat_capacity_peak(E, [0.5]), "grid"),
        ("heat_capacity_peak: negative seed",
         lambda: e.heat_capacity_peak(E, GRID, seed=-1), "seed"),
        ("heat_capacity_peak: negative n_boot",
         lambda: e.heat_capacity_peak(E, GRID, n_boot=-1), "n_boot"),
        ("entropy_slope_peak: negative seed",
         lambda: e.entropy_slope_peak(E, GRID, seed=-1), "seed"),
        ("order_parameter_onset: threshold 2",
         lambda: e.order_parameter_onset(E, GRID, threshold=2.0), "threshold"),
        ("order_parameter_onset: NaN threshold",
         lambda: e.order_parameter_onset(E, GRID, threshold=NAN), "threshold"),
        ("rem_energies: N = 0", lambda: e.rem_energies(0, 3), "N >= 2"),
        ("rem_energies: N = 2.5", lambda: e.rem_energies(2.5, 3), "n"),
        ("rem_energies: NaN σ", lambda: e.rem_energies(4, 3, sigma=NAN), "σ"),
        ("rem_energies: negative samples", lambda: e.rem_energies(4, -1), "samples"),
        ("rem_energies: negative seed", lambda: e.rem_energies(4, 3, seed=-1), "seed"),
        ("rem_study: no sizes", lambda: e.rem_study([], progress=False), "ns"),
        ("fit_finite_size: unequal lengths",
         lambda: e.fit_finite_size([4, 8, 16], [1.0, 2.0]), "sizes and values"),
    ]  # fmt: skip


def _ising():
    from isingformer import physics as p

    def sampler():
        return p.Sampler(p.square_ising(4), p.metropolis())

    return [
        ("square_ising: side 0", lambda: p.square_ising(0), "lattice side"),
        ("square_ising: side 2.5", lambda: p.square_ising(2.5), "lattice side"),
        ("square_ising: NaN J", lambda: p.square_ising(4, J=NAN), "couplings"),
        ("cubic_ising: side -1", lambda: p.cubic_ising(-1), "lattice side"),
        ("energy: spins of the wrong length", lambda: p.chain_ising(4).energy(np.ones(5)), "spins"),
        ("local_field: spins of the wrong length",
         lambda: p.chain_ising(4).local_field(np.ones((2, 3))), "spins"),
        ("from_couplings: asymmetric J",
         lambda: p.IsingHamiltonian.from_couplings(np.array([[0, 1.0], [2.0, 0]])), "symmetric"),
        ("enumerate_exact: NaN β", lambda: p.enumerate_exact(p.chain_ising(4), [NAN]), "beta"),
        ("enumerate_exact: 60 spins", lambda: p.enumerate_exact(p.chain_ising(60), [0.1]), "N <="),
        ("exact_torus: T = 0", lambda: p.exact_torus(4, 0.0), "temperature"),
        ("exact_torus: NaN T", lambda: p.exact_torus(4, NAN), "temperature"),
        ("simulate: infinite T", lambda: p.simulate(4, INF, 10), "temperature"),
        ("simulate: negative sweeps", lambda: p.simulate(4, 2.0, -1), "sweeps"),
        ("simulate: negative seed", lambda: p.simulate(4, 2.0, 10, seed=-1), "seed"),
        ("simulate: dim 5", lambda: p.simulate(4, 2.0, 10, dim=5), "dim"),
        ("init_state: NaN β", lambda: sampler().init_state(betas=[NAN]), "beta"),
        ("init_state: no β", lambda: sampler().init_state(betas=[]), "beta"),
        ("init_state: negative seed", lambda: sampler().init_state(betas=[0.4], seed=-1), "seed"),
        ("init_state: 0 replicas",
         lambda: sampler().init_state(betas=[0.4], replicas_per_beta=0), "replicas_per_beta"),
        ("sweep: negative count",
         lambda: sampler().sweep(sampler().init_state(betas=[0.4]), -1), "sweeps"),
        ("sample: measure_every 0",
         lambda: sampler().sample(sampler().init_state(betas=[0.4]), 5, measure_every=0),
         "measure_every"),
        ("SamplerState.load: missing file",
         lambda: p.SamplerState.load("/nonexistent/chain.npz"), "chain.npz"),
        ("tfim_study: NaN g", lambda: p.tfim_study([4, 6], [NAN]), "g"),
    ]  # fmt: skip


CASES = [*_ensemble(), *_ising()]


@pytest.mark.parametrize(
    "call, match", [pytest.param(c, m, id=name) for name, c, m in CASES]
)  # fmt: skip
def test_bad_input_raises_a_named_error(call, match):
    with pytest.raises((InputError, ModelLoadError), match=match):
        call()
