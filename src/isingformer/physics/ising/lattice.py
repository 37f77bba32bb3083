"""Periodic hypercubic lattices (square in 2D, cubic in 3D).

A :class:`Lattice` knows its shape and hands out the neighbour table and the
bond list that the Hamiltonian and the samplers use. Site ``i`` of a lattice of
shape ``(L0, L1, ...)`` is the C-order flat index of ``(x0, x1, ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from isingformer.errors import InputError
from isingformer.validate import check_int


@dataclass(frozen=True)
class Lattice:
    """A periodic hypercubic lattice of ``shape`` (2D square/rectangular or 3D cubic)."""

    shape: tuple[int, ...]

    def __post_init__(self) -> None:
        shape = tuple(check_int(s, "lattice side") for s in self.shape)
        if len(shape) not in (1, 2, 3):
            raise InputError(f"lattice dimension must be 1, 2 or 3, got shape {shape}")
        if min(shape) < 2:
            raise InputError(f"every lattice side must be >= 2, got shape {shape}")
        object.__setattr__(self, "shape", shape)

    @property
    def dim(self) -> int:
        return len(self.shape)

    @property
    def n_sites(self) -> int:
        return int(np.prod(self.shape))

    @property
    def n_bonds(self) -> int:
        """Number of nearest-neighbour bonds (sides of length 2 give double bonds)."""
        return self.dim * self.n_sites

    @property
    def bipartite(self) -> bool:
        """True when every side is even, so a checkerboard update is exact."""
        return all(s % 2 == 0 for s in self.shape)

    @cached_property
    def bonds(self) -> np.ndarray:
        """Bond list ``[n_bonds, 2]`` (int64): each site with its +1 neighbour along every axis."""
        idx = np.arange(self.n_sites).reshape(self.shape)
        pairs = [
            np.stack([idx.ravel(), np.roll(idx, -1, axis=a).ravel()], axis=1)
            for a in range(self.dim)
        ]
        return np.concatenate(pairs, axis=0)

    @cached_property
    def neighbors(self) -> np.ndarray:
        """Neighbour table ``[n_sites, 2*dim]`` (int64), order (+x0, -x0, +x1, -x1, ...)."""
        idx = np.arange(self.n_sites).reshape(self.shape)
        cols = []
        for a in range(self.dim):
            cols.append(np.roll(idx, -1, axis=a).ravel())
            cols.append(np.roll(idx, 1, axis=a).ravel())
        return np.stack(cols, axis=1)

    @cached_property
    def parity(self) -> np.ndarray:
        """Checkerboard colour ``[n_sites]`` (int8): sum of coordinates mod 2."""
        grids = np.indices(self.shape).sum(axis=0)
        return (grids % 2).astype(np.int8).ravel()


def square(L: int, M: int | None = None) -> Lattice:
    """Periodic ``L x M`` square lattice (``M = L`` by default); rows are the first axis."""
    return Lattice((L, L if M is None else M))


def cubic(L: int) -> Lattice:
    """Periodic ``L x L x L`` simple cubic lattice."""
    return Lattice((L,) * 3)


def chain(N: int) -> Lattice:
    """Periodic chain of ``N`` sites."""
    return Lattice((N,))
