"""The transverse-field Ising chain: exact diagonalization vs free fermions."""

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.physics.ising import tfim


@pytest.mark.parametrize("N", [2, 3, 5, 8, 10])
def test_free_fermions_equal_exact_diagonalization(N):
    g = np.array([0.0, 0.3, 0.8, 1.0, 1.2, 3.0])
    np.testing.assert_allclose(
        tfim.exact_diagonalization(N, g), tfim.free_fermion(N, g).energy, atol=1e-9
    )


def test_derivatives_and_limit():
    g = np.array([0.4, 0.9, 1.1, 2.0])
    h = 1e-4
    f = lambda x: tfim.free_fermion(12, x).energy  # noqa: E731
    gs = tfim.free_fermion(12, g)
    np.testing.assert_allclose(gs.d_energy, (f(g + h) - f(g - h)) / (2 * h), rtol=1e-7)
    np.testing.assert_allclose(gs.d2_energy, (f(g + h) - 2 * f(g) + f(g - h)) / h**2, rtol=1e-4)
    assert tfim.thermodynamic_limit([1.0]).energy[0] == pytest.approx(-4 / math.pi, rel=1e-10)
    big = tfim.free_fermion(4000, g)
    np.testing.assert_allclose(big.energy / 4000, tfim.thermodynamic_limit(g).energy, rtol=1e-9)


def test_singularity_develops_at_gc():
    g = np.linspace(0.5, 1.5, 401)
    peaks, where = [], []
    for N in (16, 64, 256):
        d2 = tfim.free_fermion(N, g).d2_energy / N
        peaks.append(-d2.min())
        where.append(g[np.argmin(d2)])
    assert peaks[0] < peaks[1] < peaks[2]
    # the peak grows like ln N: equal steps for each factor of 4
    assert (peaks[2] - peaks[1]) == pytest.approx(peaks[1] - peaks[0], rel=0.15)
    assert abs(where[2] - 1) < abs(where[0] - 1) + 1e-12 and abs(where[2] - 1) < 0.02


def test_bad_input():
    with pytest.raises(InputError):
        tfim.free_fermion(1, [1.0])
    with pytest.raises(InputError):
        tfim.exact_diagonalization(30, [1.0])
