"""Numba kernels for spin glasses and annealing.

Conventions shared by every kernel (dense coupling matrix ``J[N, N]``,
symmetric with zero diagonal, field ``h[N]``)::

    H(s) = −Σ_{i<j} J_ij s_i s_j − Σ_i h_i s_i = −½ sᵀ J s − hᵀ s
    f_i  = Σ_j J_ij s_j + h_i                     (local field)
    ΔE_i = 2 s_i f_i                              (cost of flipping spin i)

Spins are ``int8`` (±1); local fields are kept up to date incrementally, so a
Metropolis attempt costs O(1) and an accepted flip O(N) (dense) or O(degree)
(CSR). Randomness comes from Numba's own generator, seeded at the start of each
kernel call with a seed drawn from the caller's ``numpy.random.Generator``;
the same seed gives the same trajectory.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "anneal_csr",
    "anneal_dense",
    "greedy_descent_csr",
    "greedy_descent_dense",
    "metropolis_sweep_dense",
    "pt_run_dense",
]


# --------------------------------------------------------------------------
# dense couplings
# --------------------------------------------------------------------------


@njit(cache=True)
def _flip_dense(J, s, f, i):
    """Flip spin i and update every local field (J symmetric: use row i)."""
    c = -2.0 * s[i]
    s[i] = -s[i]
    row = J[i]
    for j in range(f.shape[0]):
        f[j] += c * row[j]


@njit(cache=True)
def metropolis_sweep_dense(J, s, f, beta, energy):
    """One sequential Metropolis sweep at inverse temperature ``beta``.

    Args: J [N, N], s [N] int8, f [N] local fields (updated in place),
    energy: current H(s). Returns the new energy. Uses the global Numba RNG.
    """
    n = s.shape[0]
    for i in range(n):
        de = 2.0 * s[i] * f[i]
        if de <= 0.0 or np.random.random() < np.exp(-beta * de):
            _flip_dense(J, s, f, i)
            energy += de
    return energy


@njit(cache=True)
def pt_run_dense(
    J,
    spins,
    fields,
    energies,
    betas,
    n_sweeps,
    swap_every,
    record_start,
    record_every,
    seed,
    acc,
    att,
    e_rec,
    q_rec,
    best_e,
    best_s,
):
    """Parallel tempering on C independent chains of R temperatures each.

    Shapes: spins [C, R, N] int8, fields [C, R, N], energies [C, R],
    betas [R] (ascending), acc/att [C, R−1] swap counters (incremented),
    e_rec [n_rec, C, R] energies recorded every ``record_every`` sweeps from
    sweep ``record_start``, q_rec [n_rec, R] overlap of chains 0 and 1 at each
    temperature (untouched when C < 2), best_e [C], best_s [C, N] lowest state
    seen per chain (updated in place). Slot r always holds β_r: swaps exchange
    configurations. Returns the number of records written.
    """
    np.random.seed(seed)
    n_chains, n_temps, n = spins.shape
    n_rec_max = e_rec.shape[0]
    rec = 0
    for t in range(n_sweeps):
        for c in range(n_chains):
            for r in range(n_temps):
                energies[c, r] = metropolis_sweep_dense(
                    J, spins[c, r], fields[c, r], betas[r], energies[c, r]
                )
                if energies[c, r] < best_e[c] - 1e-12:
                    best_e[c] = energies[c, r]
                    best_s[c, :] = spins[c, r]
        if (t + 1) % swap_every == 0:
            start = ((t + 1) // swap_every) % 2
            for c in range(n_chains):
                for r in range(start, n_temps - 1, 2):
                    att[c, r] += 1
                    d = (betas[r + 1] - betas[r]) * (energies[c, r + 1] - energies[c, r])
                    if d >= 0.0 or np.random.random() < np.exp(d):
                        acc[c, r] += 1
                        for k in range(n):
                            tmp_s = spins[c, r, k]
                            spins[c, r, k] = spins[c, r + 1, k]
                            spins[c, r + 1, k] = tmp_s
                            tmp_f = fields[c, r, k]
                            fields[c, r, k] = fields[c, r + 1, k]
                            fields[c, r + 1, k] = tmp_f
                        tmp_e = energies[c, r]
                        energies[c, r] = energies[c, r + 1]
                        energies[c, r + 1] = tmp_e
        if t >= record_start and (t - record_start) % record_every == 0 and rec < n_rec_max:
            for c in range(n_chains):
                for r in range(n_temps):
                    e_rec[rec, c, r] = energies[c, r]
            if n_chains >= 2:
                for r in range(n_temps):
                    q = 0
                    for k in range(n):
                        q += spins[0, r, k] * spins[1, r, k]
                    q_rec[rec, r] = q / n
            rec += 1
    return rec


@njit(cache=True)
def anneal_dense(J, h, s, betas, sweeps_per_step, seed):
    """Simulated annealing on dense J: Metropolis sweeps along ``betas``.

    s [N] int8 is the start (modified in place: it ends as the final state).
    Returns (best energy, best state [N] int8, final energy).
    """
    np.random.seed(seed)
    n = s.shape[0]
    f = J.astype(np.float64) @ s.astype(np.float64) + h
    energy = 0.0
    for i in range(n):
        energy -= s[i] * (0.5 * (f[i] - h[i]) + h[i])
    best_e = energy
    best_s = s.copy()
    for k in range(betas.shape[0]):
        beta = betas[k]
        for _ in range(sweeps_per_step):
            energy = metropolis_sweep_dense(J, s, f, beta, energy)
            if energy < best_e - 1e-12:
                best_e = energy
                best_s[:] = s
    return best_e, best_s, energy


@njit(cache=True)
def greedy_descent_dense(J, h, s):
    """Steepest single-flip descent to a local minimum (in place).

    Flips, one at a time, the spin whose flip lowers H most, until no flip
    lowers it. Returns (energy, number of flips).
    """
    n = s.shape[0]
    f = J.astype(np.float64) @ s.astype(np.float64) + h
    energy = 0.0
    for i in range(n):
        energy -= s[i] * (0.5 * (f[i] - h[i]) + h[i])
    flips = 0
    while True:
        best = 0.0
        arg = -1
        for i in range(n):
            de = 2.0 * s[i] * f[i]
            if de < best - 1e-12:
                best = de
                arg = i
        if arg < 0:
            break
        _flip_dense(J, s, f, arg)
        energy += best
        flips += 1
    return energy, flips


# --------------------------------------------------------------------------
# sparse (CSR) couplings
# --------------------------------------------------------------------------


@njit(cache=True)
def _csr_fields(indptr, indices, data, h, s):
    n = s.shape[0]
    f = h.copy()
    for i in range(n):
        acc = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            acc += data[p] * s[indices[p]]
        f[i] += acc
    return f


@njit(cache=True)
def _csr_energy(h, s, f):
    energy = 0.0
    for i in range(s.shape[0]):
        energy -= s[i] * (0.5 * (f[i] - h[i]) + h[i])
    return energy


@njit(cache=True)
def _flip_csr(indptr, indices, data, s, f, i):
    c = -2.0 * s[i]
    s[i] = -s[i]
    for p in range(indptr[i], indptr[i + 1]):
        f[indices[p]] += c * data[p]


@njit(cache=True)
def anneal_csr(indptr, indices, data, h, s, betas, sweeps_per_step, seed):
    """Simulated annealing for symmetric CSR couplings (zero diagonal).

    Same contract as :func:`anneal_dense`.
    """
    np.random.seed(seed)
    n = s.shape[0]
    f = _csr_fields(indptr, indices, data, h, s)
    energy = _csr_energy(h, s, f)
    best_e = energy
    best_s = s.copy()
    for k in range(betas.shape[0]):
        beta = betas[k]
        for _ in range(sweeps_per_step):
            for i in range(n):
                de = 2.0 * s[i] * f[i]
                if de <= 0.0 or np.random.random() < np.exp(-beta * de):
                    _flip_csr(indptr, indices, data, s, f, i)
                    energy += de
            if energy < best_e - 1e-12:
                best_e = energy
                best_s[:] = s
    return best_e, best_s, energy


@njit(cache=True)
def greedy_descent_csr(indptr, indices, data, h, s):
    """Steepest single-flip descent for CSR couplings (in place)."""
    n = s.shape[0]
    f = _csr_fields(indptr, indices, data, h, s)
    energy = _csr_energy(h, s, f)
    flips = 0
    while True:
        best = 0.0
        arg = -1
        for i in range(n):
            de = 2.0 * s[i] * f[i]
            if de < best - 1e-12:
                best = de
                arg = i
        if arg < 0:
            break
        _flip_csr(indptr, indices, data, s, f, arg)
        energy += best
        flips += 1
    return energy, flips
