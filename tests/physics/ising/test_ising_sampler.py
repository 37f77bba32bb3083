"""Sampler state, determinism, multi-spin-coding layout, observables and FSS."""

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.physics import (
    Sampler,
    SamplerState,
    equilibration_start,
    finite_size_scaling,
    heatbath,
    jackknife,
    metropolis,
    square_ising,
    tau_int,
    wolff,
)
from isingformer.physics.ising.metropolis_msc import pack, threshold, unpack


def test_pack_unpack_roundtrip_and_measurement():
    rng = np.random.default_rng(0)
    s = (1 - 2 * rng.integers(0, 2, size=(2, 6, 256))).astype(np.int8)
    assert np.array_equal(unpack(pack(s), 256), s)
    model = square_ising(6, 256)
    sampler = Sampler(model, metropolis("msc"))
    state = SamplerState(s.reshape(2, -1), [0.3, 0.5], sampler.init_state([1, 1]).rng)
    new, smp = sampler.sample(state, 3)
    np.testing.assert_allclose(smp.energy[:, -1], model.energy(new.spins))
    np.testing.assert_allclose(smp.magnetization[:, -1], new.spins.sum(axis=1))
    assert threshold(0.5) == np.uint64(1 << 63)


@pytest.mark.parametrize("rule", [metropolis("msc"), heatbath("msc"), metropolis("numba"), wolff()])
def test_saved_state_resumes_bit_for_bit(tmp_path, rule):
    model = square_ising(8, 128)
    sampler = Sampler(model, rule)
    state = sampler.sweep(sampler.init_state([0.4, 0.45], seed=3, start="random"), 10)
    path = state.save(tmp_path / "chain.npz")
    loaded = SamplerState.load(path)
    a, sa = sampler.sample(state, 20)
    b, sb = sampler.sample(loaded, 20)
    assert np.array_equal(a.spins, b.spins) and np.array_equal(sa.energy, sb.energy)
    assert a.sweeps == loaded.sweeps + 20
    # the input state is never mutated
    assert np.array_equal(state.spins, loaded.spins)


def test_msc_rejects_bad_shapes_and_auto_falls_back():
    with pytest.raises(InputError):
        Sampler(square_ising(8, 96), metropolis("msc")).init_state([0.4]) and metropolis(
            "msc"
        ).resolve(square_ising(8, 96))
    assert metropolis().resolve(square_ising(7)) == "numba"
    assert metropolis().resolve(square_ising(4, 128)) == "msc"
    assert metropolis().resolve(square_ising(4, 128, h=0.1)) == "numba"
    with pytest.raises(InputError):
        SamplerState.load("/nonexistent/state.npz")


def test_tau_int_of_ar1_and_jackknife():
    rng = np.random.default_rng(1)
    phi, n = 0.8, 200_000
    x = np.empty(n)
    x[0] = 0
    noise = rng.normal(size=n)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + noise[t]
    exact = 0.5 * (1 + phi) / (1 - phi)  # 4.5
    assert tau_int(x) == pytest.approx(exact, rel=0.1)
    iid = rng.normal(size=50_000)
    est = jackknife(lambda v: v[0], iid[None, :], 50)
    assert est.err == pytest.approx(1 / np.sqrt(50_000), rel=0.3)
    var = jackknife(lambda v: v[1] - v[0] ** 2, np.stack([iid, iid**2]), 50)
    assert abs(var.mean - 1) < 4 * var.err


def test_equilibration_start_finds_the_transient():
    rng = np.random.default_rng(2)
    x = rng.normal(size=4000)
    x[:400] += np.linspace(20, 0, 400)
    t0 = equilibration_start(x)
    assert 200 <= t0 <= 1000


def test_fss_recovers_synthetic_exponents():
    tc, nu, gnu = 2.3, 1.0, 1.75
    sizes = np.array([16, 32, 64])
    T = np.linspace(2.23, 2.37, 15)
    x = (T[None, :] - tc) / tc * sizes[:, None] ** (1 / nu)
    U = 0.61 - 0.3 * np.tanh(x) + 0.02 * np.tanh(x) ** 2
    chi = sizes[:, None] ** gnu * np.exp(-0.2 * x**2)
    r = finite_size_scaling(sizes, T, U, np.full(U.shape, 1e-4), chi, 1e-3 * chi, n_boot=50)
    assert r.tc == pytest.approx(tc, abs=2e-3)
    # local quadratic smoothing of a steep curve costs a few percent in nu
    assert r.nu == pytest.approx(nu, rel=0.08)
    assert r.gamma_over_nu == pytest.approx(gnu, rel=0.03)
    assert r.width_exponent == pytest.approx(0.5, rel=0.08)
