"""Lattices and the Hamiltonian."""

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.physics import Lattice, cubic, cubic_ising, square, square_ising


def test_square_and_cubic_geometry():
    lat = square(4, 6)
    assert lat.n_sites == 24 and lat.n_bonds == 48 and lat.bipartite
    nb = lat.neighbors
    assert nb.shape == (24, 4)
    # site (0, 0): +x0 -> (1, 0) = 6, -x0 -> (3, 0) = 18, +x1 -> 1, -x1 -> 5
    assert list(nb[0]) == [6, 18, 1, 5]
    c = cubic(3)
    assert c.n_sites == 27 and c.neighbors.shape == (27, 6) and not c.bipartite


def test_hamiltonian_energies():
    ham = square_ising(4, J=1.0, h=0.5)
    up = np.ones(16)
    assert ham.energy(up) == pytest.approx(-32 - 8)
    stag = np.array([1 - 2 * ((i // 4 + i % 4) % 2) for i in range(16)])
    assert ham.energy(stag) == pytest.approx(32)
    s = np.random.default_rng(0).choice([-1, 1], size=(5, 16))
    f = ham.local_field(s)
    for k in range(5):
        t = s[k].copy()
        t[3] *= -1
        assert ham.energy(t) - ham.energy(s[k]) == pytest.approx(2 * s[k, 3] * f[k, 3])
    assert cubic_ising(4).energy(np.ones(64)) == pytest.approx(-192)


def test_bad_lattices():
    with pytest.raises(InputError):
        Lattice((1, 4))
    with pytest.raises(InputError):
        Lattice((2, 2, 2, 2))
