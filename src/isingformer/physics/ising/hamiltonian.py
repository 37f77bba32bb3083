"""The generalized Ising Hamiltonian H = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i.

One immutable object, :class:`IsingHamiltonian`, holds a symmetric coupling
matrix (dense or sparse; stored as CSR) and a field vector. Lattice models
(:func:`square_ising`, :func:`cubic_ising`) are the same object with the
:class:`~isingformer.physics.ising.lattice.Lattice` and the uniform ``J``/``h``
attached, so samplers can pick a fast lattice path when one applies.
Spins are ``+1/-1`` (int8 in the samplers), shape ``[..., n_spins]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from isingformer.errors import InputError
from isingformer.physics.ising.lattice import Lattice, chain, cubic, square


@dataclass(frozen=True, eq=False)
class IsingHamiltonian:
    """H(s) = -1/2 s.J.s - h.s with J symmetric, zero diagonal.

    Attributes:
        couplings: CSR matrix ``[N, N]`` (float64), symmetric, zero diagonal.
        field: ``[N]`` float64.
        lattice: the periodic lattice when the model is a uniform lattice model.
        J, h: the uniform coupling and field of a lattice model (else None).
    """

    couplings: sp.csr_matrix
    field: np.ndarray
    lattice: Lattice | None = None
    J: float | None = None
    h: float | None = None
    _csr: tuple[np.ndarray, np.ndarray, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        c = self.couplings
        n = c.shape[0]
        if c.shape != (n, n):
            raise InputError(f"coupling matrix must be square, got shape {c.shape}")
        f = np.asarray(self.field, dtype=np.float64)
        if f.shape != (n,):
            raise InputError(f"field must have shape ({n},), got {f.shape}")
        if not np.all(np.isfinite(f)) or not np.all(np.isfinite(c.data)):
            raise InputError("couplings and field must be finite")
        if c.diagonal().any():
            raise InputError("coupling matrix must have a zero diagonal (s_i^2 = 1 is a constant)")
        if abs(c - c.T).max() > 1e-12 * max(1.0, abs(c).max()):
            raise InputError("coupling matrix must be symmetric (J_ij = J_ji)")
        object.__setattr__(self, "field", f)
        csr = (
            np.ascontiguousarray(c.indptr, dtype=np.int64),
            np.ascontiguousarray(c.indices, dtype=np.int64),
            np.ascontiguousarray(c.data, dtype=np.float64),
        )
        object.__setattr__(self, "_csr", csr)

    @classmethod
    def from_couplings(cls, J, h=None) -> IsingHamiltonian:
        """Build from a dense array or scipy sparse matrix ``J [N, N]`` and field ``h [N]``."""
        if sp.issparse(J):
            mat = sp.csr_matrix(J, dtype=np.float64)
        else:
            arr = np.asarray(J, dtype=np.float64)
            if arr.ndim != 2:
                raise InputError(f"J must be a 2-D matrix, got shape {arr.shape}")
            mat = sp.csr_matrix(arr)
        mat.sum_duplicates()
        mat.eliminate_zeros()
        mat.sort_indices()
        n = mat.shape[0]
        field_ = np.zeros(n) if h is None else np.broadcast_to(np.asarray(h, float), (n,)).copy()
        return cls(mat, field_)

    @property
    def n_spins(self) -> int:
        return int(self.couplings.shape[0])

    @property
    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(indptr, indices, data)`` of J as contiguous int64/int64/float64 arrays."""
        return self._csr

    @property
    def is_ferromagnetic(self) -> bool:
        return bool(np.all(self.couplings.data >= 0))

    @property
    def has_field(self) -> bool:
        return bool(np.any(self.field != 0))

    def _spins(self, spins) -> np.ndarray:
        s = np.asarray(spins, dtype=np.float64)
        if s.ndim < 1 or s.shape[-1] != self.n_spins:
            raise InputError(f"spins must have shape [..., {self.n_spins}], got {s.shape}")
        return s

    def energy(self, spins) -> np.ndarray:
        """Energies ``[...]`` of configurations ``spins [..., N]`` (+-1 entries)."""
        s = self._spins(spins)
        flat = s.reshape(-1, self.n_spins)  # [B, N]
        js = (self.couplings @ flat.T).T  # [B, N]
        e = -0.5 * np.einsum("bi,bi->b", flat, js) - flat @ self.field
        return e.reshape(s.shape[:-1])

    def local_field(self, spins) -> np.ndarray:
        """Local fields ``[..., N]``: f_i = sum_j J_ij s_j + h_i (flip cost 2 s_i f_i)."""
        s = self._spins(spins)
        flat = s.reshape(-1, self.n_spins)
        return ((self.couplings @ flat.T).T + self.field).reshape(s.shape)


def lattice_ising(lattice: Lattice, J: float = 1.0, h: float = 0.0) -> IsingHamiltonian:
    """Uniform nearest-neighbour Ising model on a periodic ``lattice``."""
    b = lattice.bonds
    n = lattice.n_sites
    rows = np.concatenate([b[:, 0], b[:, 1]])
    cols = np.concatenate([b[:, 1], b[:, 0]])
    data = np.full(rows.shape, float(J))
    mat = sp.csr_matrix((data, (rows, cols)), shape=(n, n))  # duplicates summed
    mat.sort_indices()
    return IsingHamiltonian(mat, np.full(n, float(h)), lattice=lattice, J=float(J), h=float(h))


def square_ising(L: int, M: int | None = None, J: float = 1.0, h: float = 0.0) -> IsingHamiltonian:
    """Ferromagnetic (J > 0) or antiferromagnetic square-lattice torus ``L x M``."""
    return lattice_ising(square(L, M), J, h)


def cubic_ising(L: int, J: float = 1.0, h: float = 0.0) -> IsingHamiltonian:
    """Simple cubic ``L^3`` torus."""
    return lattice_ising(cubic(L), J, h)


def chain_ising(N: int, J: float = 1.0, h: float = 0.0) -> IsingHamiltonian:
    """Periodic chain of ``N`` spins."""
    return lattice_ising(chain(N), J, h)
