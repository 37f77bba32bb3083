"""Exact thermodynamics of any small Ising Hamiltonian by full enumeration.

All 2^N configurations are visited in Gray-code order by a compiled loop (one
spin flip and one local-field update per state), the energies and
magnetizations are reduced to a table of distinct levels with exact
degeneracies, and every quantity at every beta comes from that table:
log Z, F, U, C, S, <m>, <|m|>, <m^2>, <m^4>, susceptibilities and the
Binder cumulant. N up to ~24 spins (2^24 states in about a second).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import torch

from isingformer.ensemble import gibbs_probabilities, thermodynamics
from isingformer.errors import InputError
from isingformer.physics.ising.hamiltonian import IsingHamiltonian

MAX_ENUMERATION_SPINS = 26


@numba.njit(cache=True)
def _gray_walk(indptr, indices, data, field, energies, mags):  # pragma: no cover - compiled
    n = field.shape[0]
    s = np.ones(n, dtype=np.int8)
    f = np.empty(n)
    e = 0.0
    for i in range(n):
        acc = field[i]
        for p in range(indptr[i], indptr[i + 1]):
            acc += data[p]
            if indices[p] > i:
                e -= data[p]
        f[i] = acc
        e -= field[i]
    m = n
    energies[0] = e
    mags[0] = m
    total = energies.shape[0]
    for k in range(1, total):
        i = 0
        kk = k
        while (kk & 1) == 0:
            kk >>= 1
            i += 1
        si = s[i]
        e += 2.0 * si * f[i]
        m -= 2 * si
        s[i] = -si
        for p in range(indptr[i], indptr[i + 1]):
            f[indices[p]] -= 2.0 * si * data[p]
        energies[k] = e
        mags[k] = m


@dataclass(frozen=True)
class DensityOfStates:
    """Distinct (energy, magnetization) levels with exact degeneracies.

    energies, magnetizations (total M), counts: ``[n_levels]``; ``n_spins`` = N.
    """

    energies: np.ndarray
    magnetizations: np.ndarray
    counts: np.ndarray
    n_spins: int


@dataclass(frozen=True)
class ExactThermodynamics:
    """Exact canonical averages, every field ``[n_beta]``; intensive ones per spin.

    ``susceptibility`` = beta N (<m^2> - <|m|>^2) (the finite-lattice convention
    used by the Monte Carlo estimators); ``susceptibility_full`` = beta N
    (<m^2> - <m>^2); ``binder`` = 1 - <m^4> / (3 <m^2>^2).
    """

    betas: np.ndarray
    log_z: np.ndarray
    free_energy_per_spin: np.ndarray
    energy_per_spin: np.ndarray
    entropy_per_spin: np.ndarray
    specific_heat_per_spin: np.ndarray
    magnetization: np.ndarray
    abs_magnetization: np.ndarray
    m2: np.ndarray
    m4: np.ndarray
    susceptibility: np.ndarray
    susceptibility_full: np.ndarray
    binder: np.ndarray


def _walk(ham: IsingHamiltonian) -> tuple[np.ndarray, np.ndarray]:
    """Energies and total magnetizations of all 2^N states in Gray-code order
    (step k visits the state whose flipped-spin bits are ``k ^ (k >> 1)``)."""
    n = ham.n_spins
    if n > MAX_ENUMERATION_SPINS:
        raise InputError(
            f"enumeration needs N <= {MAX_ENUMERATION_SPINS} spins, got {n}; "
            "use the Kaufman solution or Monte Carlo for larger systems"
        )
    total = 1 << n
    energies = np.empty(total)
    mags = np.empty(total, dtype=np.int32)
    indptr, indices, data = ham.csr
    _gray_walk(indptr, indices, data, ham.field, energies, mags)
    return energies, mags


def state_energies(ham: IsingHamiltonian) -> np.ndarray:
    """Energy of every one of the 2^N states, ``E[2^N]``, where state ``k`` has
    ``s_i = 1 − 2·bit_i(k)`` (N <= 26; compiled Gray-code walk)."""
    walk, _ = _walk(ham)
    k = np.arange(walk.shape[0], dtype=np.int64)
    out = np.empty_like(walk)
    out[k ^ (k >> 1)] = walk
    return out


def density_of_states(ham: IsingHamiltonian, rel_tol: float = 1e-9) -> DensityOfStates:
    """Enumerate all 2^N states of ``ham`` and group them into levels.

    Energies closer than ``rel_tol`` times the energy scale are one level.
    """
    n = ham.n_spins
    energies, mags = _walk(ham)
    scale = max(1.0, float(np.abs(ham.couplings.data).sum() + np.abs(ham.field).sum()))
    quantum = rel_tol * scale
    ekey = np.rint(energies / quantum).astype(np.int64)
    key = ekey * (2 * n + 1) + (mags + n)
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    # the key only groups; each level keeps the exact energy of one member
    e_levels = energies[first]
    m_levels = mags[first].astype(np.int64)
    return DensityOfStates(e_levels, m_levels, counts.astype(np.float64), n)


def thermodynamics_from_dos(dos: DensityOfStates, betas) -> ExactThermodynamics:
    """Canonical averages at every beta of ``betas [n_beta]`` from a level table."""
    b = np.atleast_1d(np.asarray(betas, dtype=np.float64))
    if np.any(~np.isfinite(b)):
        raise InputError("betas must be finite")
    n = dos.n_spins
    e = dos.energies  # [n_levels]
    m = dos.magnetizations / n  # [n_levels]
    # the shared Gibbs-ensemble core, with the level multiplicities as degeneracies
    log_g = np.log(dos.counts)
    th = thermodynamics(
        torch.from_numpy(e), torch.from_numpy(b), log_degeneracy=torch.from_numpy(log_g)
    )
    log_z = th.log_z.numpy()
    u = th.energy.numpy()
    var_e = th.var_energy.numpy()
    p = gibbs_probabilities(
        torch.from_numpy(e), torch.from_numpy(b), torch.from_numpy(log_g)
    ).numpy()
    mean_m = p @ m
    abs_m = p @ np.abs(m)
    m2 = p @ m**2
    m4 = p @ m**4
    with np.errstate(divide="ignore", invalid="ignore"):
        free = np.where(b != 0, -log_z / (b * n), np.nan)
        binder = 1.0 - m4 / (3.0 * m2**2)
    return ExactThermodynamics(
        betas=b,
        log_z=log_z,
        free_energy_per_spin=free,
        energy_per_spin=u / n,
        entropy_per_spin=(log_z + b * u) / n,
        specific_heat_per_spin=b**2 * var_e / n,
        magnetization=mean_m,
        abs_magnetization=abs_m,
        m2=m2,
        m4=m4,
        susceptibility=b * n * (m2 - abs_m**2),
        susceptibility_full=b * n * (m2 - mean_m**2),
        binder=binder,
    )


def enumerate_exact(ham: IsingHamiltonian, betas) -> ExactThermodynamics:
    """Exact thermodynamics of ``ham`` (N <= 26) at inverse temperatures ``betas``."""
    return thermodynamics_from_dos(density_of_states(ham), betas)
