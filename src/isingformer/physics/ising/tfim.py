"""The transverse-field Ising chain H = -J sum_i Z_i Z_{i+1} - g sum_i X_i (periodic).

Two independent solutions of its ground-state energy E_0(g):

- :func:`exact_diagonalization`: the sparse 2^N x 2^N Hamiltonian and Lanczos
  (scipy ``eigsh``), N up to ~20;
- :func:`free_fermion`: the Jordan-Wigner / Bogoliubov solution. For the
  periodic chain the ground state lies in the even-parity sector, where the
  fermions obey antiperiodic boundary conditions, k = pi (2n + 1) / N, and

      E_0 = -sum_k eps_k / 2,   eps_k = 2 sqrt(J^2 + g^2 - 2 J g cos k),

  with dE_0/dg and d^2E_0/dg^2 in closed form. Per site in the thermodynamic
  limit, e_0(g) = -(1/pi) int_0^pi sqrt(J^2 + g^2 - 2 J g cos k) dk, whose second
  derivative diverges logarithmically at the quantum critical point g_c = J.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import integrate
from scipy.sparse.linalg import eigsh

from isingformer.errors import InputError

MAX_ED_SITES = 22


def _check(N: int, g) -> np.ndarray:
    if int(N) < 2:
        raise InputError(f"the chain needs N >= 2 sites, got {N}")
    g = np.atleast_1d(np.asarray(g, dtype=np.float64))
    if np.any(~np.isfinite(g)) or np.any(g < 0):
        raise InputError("transverse fields g must be finite and >= 0")
    return g


def hamiltonian(N: int, g: float, J: float = 1.0) -> sp.csr_matrix:
    """Sparse H ``[2^N, 2^N]`` in the Z basis (bit i of the index = 1 means Z_i = -1)."""
    if not 2 <= int(N) <= MAX_ED_SITES:
        raise InputError(f"exact diagonalization needs 2 <= N <= {MAX_ED_SITES}, got {N}")
    dim = 1 << N
    idx = np.arange(dim, dtype=np.int64)
    bits = (idx[:, None] >> np.arange(N)) & 1  # [dim, N]
    z = 1 - 2 * bits
    diag = -J * np.sum(z * np.roll(z, -1, axis=1), axis=1).astype(np.float64)
    rows = [idx]
    cols = [idx]
    vals = [diag]
    for i in range(N):
        rows.append(idx)
        cols.append(idx ^ (1 << i))
        vals.append(np.full(dim, -float(g)))
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(dim, dim)
    )


def exact_diagonalization(N: int, g, J: float = 1.0) -> np.ndarray:
    """Ground-state energies E_0(g) ``[n_g]`` of the periodic chain by Lanczos."""
    gs = _check(N, g)
    out = np.empty(gs.size)
    for i, gi in enumerate(gs):
        H = hamiltonian(N, gi, J)
        v0 = np.ones(H.shape[0])
        out[i] = eigsh(H, k=1, which="SA", v0=v0, tol=1e-12)[0][0]
    return out


@dataclass(frozen=True)
class GroundState:
    """E_0 and its first two g-derivatives, each ``[n_g]``; ``per_site`` divides by N."""

    g: np.ndarray
    energy: np.ndarray
    d_energy: np.ndarray
    d2_energy: np.ndarray
    n_sites: int | None


def free_fermion(N: int, g, J: float = 1.0) -> GroundState:
    """Exact E_0(g), dE_0/dg, d^2E_0/dg^2 ``[n_g]`` of the periodic N-site chain."""
    gs = _check(N, g)
    k = np.pi * (2 * np.arange(N) + 1) / N  # [N] antiperiodic momenta
    a = J * J + gs[:, None] ** 2 - 2 * J * gs[:, None] * np.cos(k)[None, :]  # [n_g, N]
    root = np.sqrt(a)
    e0 = -np.sum(root, axis=1)  # -sum eps/2 = -sum sqrt(a)
    num = gs[:, None] - J * np.cos(k)[None, :]
    d1 = -np.sum(num / root, axis=1)
    d2 = -np.sum(1.0 / root - num**2 / root**3, axis=1)
    return GroundState(gs, e0, d1, d2, int(N))


def _limit_point(g: float, J: float) -> tuple[float, float, float]:
    def a(k):
        return J * J + g * g - 2 * J * g * np.cos(k)

    def f0(k):
        return np.sqrt(a(k))

    def f1(k):
        return (g - J * np.cos(k)) / np.sqrt(a(k))

    def f2(k):
        return 1 / np.sqrt(a(k)) - (g - J * np.cos(k)) ** 2 / a(k) ** 1.5

    e = -integrate.quad(f0, 0, np.pi, limit=200)[0] / np.pi
    d1 = -integrate.quad(f1, 0, np.pi, limit=200)[0] / np.pi
    if abs(g - J) < 1e-12:
        return e, d1, -np.inf
    return e, d1, -integrate.quad(f2, 0, np.pi, limit=400, points=[0.0])[0] / np.pi


def thermodynamic_limit(g, J: float = 1.0) -> GroundState:
    """Per-site e_0(g), de_0/dg, d^2e_0/dg^2 ``[n_g]`` of the infinite chain (N = None)."""
    gs = _check(2, g)
    e, d1, d2 = (np.empty(gs.size) for _ in range(3))
    for i, gi in enumerate(gs):
        e[i], d1[i], d2[i] = _limit_point(float(gi), J)
    return GroundState(gs, e, d1, d2, None)
